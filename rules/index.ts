/** The public API of the rulebook: schemas, parsing, the pure engine, money and 金额大写 helpers. */
export { decide } from './engine';
export { parseCaseFile } from './parseCaseFile';
export * from './caseTypes';
export * from './schemas';
export { defaultParameters, loadParameters, PARAMETERS_OF_TYPE, versionInForce, type Parameters } from './params';
export { loadCalendar, type BureauCalendar } from './calendar';
