/** The public API of the rulebook: schemas, parsing, the pure engine and its parameters. */
export { decide } from './engine';
export { parseCaseFile } from './parseCaseFile';
export * from './schemas';
export {
  defaultParameters,
  loadParameters,
  versionInForce,
  type Parameters,
} from './params';
