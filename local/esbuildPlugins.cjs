/*
 * esbuild plugins for serverless-esbuild (`custom.esbuild.plugins` in
 * serverless.yml). Plain CommonJS: osls requires this file itself.
 */
const { lstatSync, readFileSync, symlinkSync, unlinkSync } = require('node:fs');
const { basename, isAbsolute, join } = require('node:path');

/**
 * Offline only: a link without the `.js` beside each built handler.
 * serverless-offline looks the handler's file up on every invocation: first
 * the path without an extension, and when that is missing, a walk up the
 * folders reading and parsing each package.json to learn the module type.
 * That walk was a tenth of its CPU on a plain API call (ADR 10). With the
 * link its first look succeeds, and `require` resolves the link to the same
 * module as `handler.js`, so nothing is loaded twice. Packages for AWS are
 * built without it.
 */
const extensionlessHandlers = {
  name: 'berth-extensionless-handlers',
  setup(build) {
    build.initialOptions.metafile = true;
    build.onEnd((result) => {
      const cwd = build.initialOptions.absWorkingDir ?? process.cwd();
      for (const output of Object.keys(result.metafile?.outputs ?? {})) {
        if (!output.endsWith('.js')) continue;
        const file = isAbsolute(output) ? output : join(cwd, output);
        const link = file.slice(0, -'.js'.length);
        try {
          if (lstatSync(link, { throwIfNoEntry: false })?.isSymbolicLink()) unlinkSync(link);
          symlinkSync(basename(file), link);
        } catch {
          // Without the link serverless-offline still finds the file, only slower.
        }
      }
    });
  },
};

/**
 * The console's single-page app, built for the browser when the console's
 * function is bundled and embedded in it as text (`berth-console-assets`):
 * the function serves it, on AWS and locally alike, with nothing to upload
 * beside the code.
 */
const consoleAssets = {
  name: 'berth-console-assets',
  setup(build) {
    const root = join(__dirname, '..', 'console', 'src');
    build.onResolve({ filter: /^berth-console-assets$/ }, () => ({
      path: 'berth-console-assets',
      namespace: 'berth-console',
    }));
    build.onLoad({ filter: /.*/, namespace: 'berth-console' }, async () => {
      const esbuild = require('esbuild');
      const app = await esbuild.build({
        entryPoints: [join(root, 'main.ts')],
        bundle: true,
        write: false,
        minify: true,
        format: 'esm',
        platform: 'browser',
        target: ['chrome110', 'firefox110', 'safari16'],
        mainFields: ['browser', 'module', 'main'],
        legalComments: 'none',
        metafile: true,
        absWorkingDir: root,
      });
      // uPlot's own stylesheet, inlined beside the page's.
      const chartCss = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
      const html = readFileSync(join(root, 'index.html'), 'utf8').replace(
        '</style>',
        `${chartCss}</style>`,
      );
      return {
        contents: `export const appJs = ${JSON.stringify(app.outputFiles[0].text)};\nexport const indexHtml = ${JSON.stringify(html)};`,
        loader: 'js',
        // Whatever the app was built from (its metafile says), and its page.
        watchFiles: [
          ...Object.keys(app.metafile.inputs).map((input) => join(root, input)),
          join(root, 'index.html'),
        ],
      };
    });
  },
};

module.exports = (serverless) =>
  serverless?.processedInput?.commands?.includes('offline')
    ? [consoleAssets, extensionlessHandlers]
    : [consoleAssets];
