/**
 * Browser APIs that jsdom lacks and @grafana/ui uses while rendering. Only for jsdom: the browser
 * test runs the editors in Chromium, where all of these are real.
 */
if (typeof window !== 'undefined') {
  window.matchMedia ??= (query: string) =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addListener: () => undefined,
      removeListener: () => undefined,
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
      dispatchEvent: () => false,
    }) as MediaQueryList;

  class NoopObserver {
    observe() {}
    unobserve() {}
    disconnect() {}
    takeRecords() {
      return [];
    }
  }
  window.ResizeObserver ??= NoopObserver as unknown as typeof ResizeObserver;
  window.IntersectionObserver ??= NoopObserver as unknown as typeof IntersectionObserver;
  Element.prototype.scrollIntoView ??= () => undefined;
  // Combobox virtualizes its option list and renders only what fits; jsdom lays nothing out (all sizes 0).
  for (const size of ['clientWidth', 'clientHeight', 'offsetWidth', 'offsetHeight'] as const) {
    Object.defineProperty(HTMLElement.prototype, size, { configurable: true, get: () => 400 });
  }
  // Combobox sizes its menu from the text width; jsdom has no canvas, so a fixed width per character.
  HTMLCanvasElement.prototype.getContext = function () {
    return { measureText: (text: string) => ({ width: text.length * 7 }), font: '' };
  } as unknown as HTMLCanvasElement['getContext'];
}
