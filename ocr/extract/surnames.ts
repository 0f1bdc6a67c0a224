/**
 * A name on a receipt begins with a surname, and a person reading it knows the surnames: 覃 blurred
 * until it could be 草, 尊 or 覃 is read 覃, because nobody is called 草 or 尊. The recogniser scores
 * every character of its alphabet alike; here its scores for a name's first character are weighed as
 * that person weighs them, among the characters that can begin a name.
 */
import type { CharRivals } from '../engines/engine';

/**
 * Single-character surnames: the 百家姓's, and those common today that it lacks (覃, 闫, 付, 肖, 涂;
 * Guangdong's 冼, 麦, 区; the north-east's 初, 迟, 衣; Korean 朴…), 475 in all, the great majority of
 * people. Deliberately broad: a surname listed here competes with the character read, so a wider
 * list can only lower what surnameConfidence gives. A surname left out is the risk: its weight is set
 * aside, so a look-alike listed one read in its place may be trusted (ocr/README.md measures it).
 */
export const SURNAMES: ReadonlySet<string> = new Set(
  Array.from(
    '赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛奚范彭郎' +
      '鲁韦昌马苗凤花方俞任袁柳酆鲍史唐费廉岑薛雷贺倪汤滕殷罗毕郝邬安常乐于时傅皮卞齐康伍余元卜顾孟平黄' +
      '和穆萧尹姚邵湛汪祁毛禹狄米贝明臧计伏成戴谈宋茅庞熊纪舒屈项祝董梁杜阮蓝闵席季麻强贾路娄危江童颜郭' +
      '梅盛林刁钟徐邱骆高夏蔡田樊胡凌霍虞万支柯昝管卢莫经房裘缪干解应宗丁宣贲邓郁单杭洪包诸左石崔吉钮龚' +
      '程嵇邢滑裴陆荣翁荀羊於惠甄曲家封芮羿储靳汲邴糜松井段富巫乌焦巴弓牧隗山谷车侯宓蓬全郗班仰秋仲伊宫' +
      '宁仇栾暴甘钭厉戎祖武符刘景詹束龙叶幸司韶郜黎蓟薄印宿白怀蒲邰从鄂索咸籍赖卓蔺屠蒙池乔阴胥能苍双' +
      '闻莘党翟谭贡劳逄姬申扶堵冉宰郦雍却璩桑桂濮牛寿通边扈燕冀郏浦尚农温别庄晏柴瞿阎充慕连茹习宦艾鱼容' +
      '向古易慎戈廖庾终暨居衡步都耿满弘匡国文寇广禄阙东欧殳沃利蔚越夔隆师巩厍聂晁勾敖融冷訾辛阚那简饶空' +
      '曾毋沙乜养鞠须丰巢关蒯相查后荆红游竺权逯盖益桓公岳帅缑亢况有琴商牟佘佴伯赏墨哈谯笪年爱阳佟言福' +
      '覃闫付练谌邝涂肖钞佀冼敬揭苟粟邸隋修原綦檀栗铁来过母代兰植朴麦区招初迟衣由战操鲜晋门展靖南',
  ),
);

/**
 * The recogniser must already favour the character read over everything else it weighed together:
 * the surnames then only settle which of its look-alikes it is. A character read at less is not one
 * the recogniser saw: a surname its alphabet lacks (禚, whose reading spread over 从 0.41, blank, 蕉
 * and 糕) would otherwise be trusted as the one listed look-alike among them.
 */
const FAVOURED = 0.5;

/**
 * The confidence of a name's first character `char`, read at `confidence`, once the characters that
 * begin no name are set aside: its probability against those of the listed surnames its step also
 * weighed and of every class the recogniser kept no score for (which may be a surname); CTC's blank
 * says where a character stands, not which it is, and is set aside too. Unchanged when the character
 * read is no listed surname (a rare surname is left as read), when the recogniser did not favour it
 * (FAVOURED), when nothing else was recorded, or when a later check lowered it below the recogniser's
 * own probability (a character held for a glyph it dropped). Never lower than `confidence`.
 */
export function surnameConfidence(char: string, confidence: number, rivals: CharRivals | undefined): number {
  if (!rivals || !SURNAMES.has(char) || rivals.read < FAVOURED || confidence < rivals.read) return confidence;
  let weighed = rivals.read;
  let surnames = 0;
  for (const [other, probability] of rivals.others) {
    weighed += probability;
    if (SURNAMES.has(other)) surnames += probability;
  }
  const unscored = Math.max(0, 1 - weighed);
  return Math.max(confidence, rivals.read / (rivals.read + surnames + unscored));
}
