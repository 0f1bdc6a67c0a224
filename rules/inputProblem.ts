/** An input error found after the schema: a field whose value no parameter set or calendar covers. */
export interface InputProblem {
  readonly field: string;
  readonly problem: string;
}

/** Formats as `<field path>: <problem>`, the form of every input error. */
export function formatInputProblem(problem: InputProblem): string {
  return `${problem.field}: ${problem.problem}`;
}

/** Type guard separating a selection from the input problem that prevented it. */
export function isInputProblem(value: unknown): value is InputProblem {
  return typeof value === 'object' && value !== null && 'field' in value && 'problem' in value;
}
