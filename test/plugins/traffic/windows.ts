/** Test helper: waits (at most `margin` ms) so the next requests fall inside one window of `periodMs`. */
export async function awaitFreshWindow(periodMs: number, margin = 4000): Promise<void> {
  const left = periodMs - (Date.now() % periodMs);
  if (left < margin) await new Promise((r) => setTimeout(r, left + 50));
}
