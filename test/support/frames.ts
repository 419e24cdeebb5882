/** Resolves after `count` animation frames (jsdom's requestAnimationFrame, or a browser's). */
export async function frames(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await new Promise((resolve) => requestAnimationFrame(resolve));
}
