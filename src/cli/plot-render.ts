/**
 * @module cli/plot-render
 * Renders a Vega-Lite specification (`cli/plot-specs`) to SVG headless: Vega-Lite compiles it
 * to Vega, Vega renders it with the `none` renderer and `toSVG()`, which needs no canvas or
 * browser. `vega` and `vega-lite` are optional packages, loaded here lazily so that neither the
 * core entry nor any other command loads them; without them `--plot` fails with a message that
 * says what to install.
 */
import type { VegaLiteSpec } from './plot-specs.js';

/** Turns a Vega-Lite specification into SVG text. */
export type SvgRenderer = (spec: VegaLiteSpec) => Promise<string>;

/**
 * Loads vega and vega-lite (once per call) and returns the renderer. Throws an Error naming the
 * missing packages when either is not installed, so a command can fail before a long run.
 * @example const render = await loadSvgRenderer(); await writeFile('run.svg', await render(spec));
 */
export async function loadSvgRenderer(): Promise<SvgRenderer> {
  let vega: typeof import('vega');
  let vegaLite: typeof import('vega-lite');
  try {
    [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  } catch (e) {
    const code = (e as { code?: unknown } | null)?.code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new Error(
        'plots need the optional packages vega and vega-lite: npm install vega vega-lite',
      );
    }
    throw e;
  }
  return async (spec) => {
    const compiled = vegaLite.compile(
      spec as unknown as Parameters<typeof vegaLite.compile>[0],
    ).spec;
    const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
    try {
      return await view.toSVG();
    } finally {
      view.finalize();
    }
  };
}

/**
 * SVG text of `spec` (loads vega and vega-lite first).
 * @example await writeFile('run.svg', await renderSvg(runSpec(points, bins, 'run')))
 */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  return (await loadSvgRenderer())(spec);
}
