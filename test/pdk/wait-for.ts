/** Polls `find` every 20 ms for up to 2 s (log-phase lines come after the response). */
export async function waitFor<T>(find: () => T | undefined): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const v = find();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('not seen within 2 s');
}
