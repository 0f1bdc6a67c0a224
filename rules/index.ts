/** The public API of the rulebook: schemas, parsing, the pure engine, money and 金额大写 helpers. */
export { decide, decideInput, type DecideInputResult } from './engine';
export { parseCaseFile, formatPath, type ParseResult } from './parseCaseFile';
export * from './caseTypes';
export * from './schemas';
export { rulesOf, ruleById, ALL_RULES, COMMON_RULES, LUMP_SUM_RULES, TRANSFER_RULES, REIMBURSEMENT_RULES, type RuleDefinition } from './catalogue';
export {
  defaultParameters,
  loadParameters,
  PARAMETERS_OF_TYPE,
  versionInForce,
  type Parameters,
} from './params';
export { defaultCalendar, loadCalendar, calendarOf, calendarRecord, isWorkingDay, addWorkingDays, workingDaysAfter, missingYearsAround, type BureauCalendar, type CalendarRecord } from './calendar';
export { CalendarYearSchema, parseCalendarYearFile, CalendarFileError, type CalendarYear } from './calendarYear';
export { parseMoney, formatFen, toFen, sumFen, MONEY_PATTERN, NON_NEGATIVE_MONEY_PATTERN, type Fen } from './money';
export { parseRatio, formatRatio, applyRatios, divideRoundHalfUp, type Ratio } from './ratio';
export { parseChineseAmount, fenToChineseWords } from './chineseAmount';
export { statutoryRetirementMonth } from './lumpSum';
export { computePayable } from './reimbursementPayable';
export { idNumberProblems, idBirthDate, idSex, maskIdNumber, maskIdNumbersIn, idCheckCharacter } from './idNumber';
