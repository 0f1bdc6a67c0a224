/**
 * What every business shares: building checks, CM-01, and turning checks into an outcome.
 */
import type { Check, Outcome, Person } from './schemas';
import type { RuleDefinition } from './catalogue';
import { COMMON_RULES } from './catalogue';
import { idBirthDate, idCheckCharacter, idNumberProblems, idSex, maskIdNumber } from './idNumber';

/** A check of `rule` that passed or failed, with its clerk-readable message. */
export function evaluate(rule: RuleDefinition, failed: boolean, message: string): Check {
  return withBasis(rule, { rule: rule.id, result: failed ? 'fail' : 'pass', severity: rule.severity, message });
}

/** A check of `rule` that did not apply to this case. */
export function skip(rule: RuleDefinition, message: string): Check {
  return withBasis(rule, { rule: rule.id, result: 'skip', severity: rule.severity, message });
}

/** Any failed reject rule → reject; else any failed review rule → review; else approve. */
export function outcomeOf(checks: readonly Check[]): Outcome {
  const failed = checks.filter((check) => check.result === 'fail');
  if (failed.some((check) => check.severity === 'reject')) return 'reject';
  if (failed.some((check) => check.severity === 'review')) return 'review';
  return 'approve';
}

/** IDs of the failed rules; checks are built in document order, so reasons are too. */
export function reasonsOf(checks: readonly Check[]): string[] {
  return checks.filter((check) => check.result === 'fail').map((check) => check.rule);
}

const SEX_NAMES = { M: '男', F: '女' } as const;

/** CM-01: 18 characters, GB 11643 checksum, birth date and sex agree with the person's record. */
export function identityCheck(person: Person): Check {
  const rule = COMMON_RULES['CM-01'];
  const id = person.idNumber;
  const shown = maskIdNumber(id);
  const problems = idNumberProblems(id, { birthDate: person.birthDate, sex: person.sex });
  if (problems.length === 0) {
    return evaluate(rule, false, `身份证号 ${shown} 校验码正确，出生日期 ${person.birthDate}、性别 ${SEX_NAMES[person.sex]} 与登记一致`);
  }
  const findings = problems.map((problem) => {
    switch (problem) {
      case 'length':
        return `身份证号 ${shown} 长度 ${id.length} ≠ 18`;
      case 'format':
        return `身份证号 ${shown} 应为 17 位数字加数字或 X`;
      case 'checksum':
        return `校验码 ${id[17]} ≠ 应为 ${idCheckCharacter(id.slice(0, 17))}`;
      case 'birthDate':
        return `身份证出生日期 ${idBirthDate(id) ?? id.slice(6, 14) + '（无效日期）'} ≠ 登记出生日期 ${person.birthDate}`;
      case 'sex':
        return `第 17 位 ${id[16]} 表示${SEX_NAMES[idSex(id)]} ≠ 登记性别 ${SEX_NAMES[person.sex]}`;
    }
  });
  return evaluate(rule, true, findings.join('；'));
}

function withBasis(rule: RuleDefinition, check: Check): Check {
  return rule.basis === undefined ? check : { ...check, basis: rule.basis };
}
