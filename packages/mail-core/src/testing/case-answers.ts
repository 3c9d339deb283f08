/**
 * One row of a table of requests a test sends: its name, its answer (a request already sent, or one to send in
 * turn), and the status it must get.
 */
export type AnswerCase = readonly [
  name: string,
  answer: Promise<Response> | (() => Promise<Response>),
  status: number,
];

/** What one row got: its name and expected status, the status, body text and headers ("name,value" lines). */
export interface CaseAnswer {
  /** The row's name. */
  readonly name: string;
  /** The status the row must get. */
  readonly expected: number;
  /** The status it got. */
  readonly status: number;
  /** The answer's body. */
  readonly text: string;
  /** The answer's headers, one `name,value` line each. */
  readonly headers: string;
}

/** The answers of `cases`, one at a time in order (a row given as a function is sent only after the one before was read). */
export async function* answersOf(cases: readonly AnswerCase[]): AsyncGenerator<CaseAnswer> {
  for (const [name, answer, expected] of cases) {
    const response = await (typeof answer === "function" ? answer() : answer);
    const text = await response.text();
    yield { name, expected, status: response.status, text, headers: [...response.headers].join("\n") };
  }
}
