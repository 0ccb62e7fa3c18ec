/**
 * What code under test prints, captured instead of shown.
 * @module
 */

/** The lines given to `console.log` and `console.error` while {@link captureConsole} ran. */
export interface Captured<T> {
  value: T;
  logged: string[];
  errors: string[];
}

/**
 * Run `f` with `console.log` and `console.error` captured (each call's arguments joined by a
 * space), restoring both afterwards, also when `f` throws.
 *
 * @example
 * ```ts
 * const { value, errors } = await captureConsole(() => main(["--bogus"]));
 * ```
 */
export async function captureConsole<T>(f: () => Promise<T> | T): Promise<Captured<T>> {
  const { log, error } = console;
  const logged: string[] = [];
  const errors: string[] = [];
  console.log = (...a: unknown[]) => void logged.push(a.join(" "));
  console.error = (...a: unknown[]) => void errors.push(a.join(" "));
  try {
    return { value: await f(), logged, errors };
  } finally {
    console.log = log;
    console.error = error;
  }
}
