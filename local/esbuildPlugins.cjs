/*
 * esbuild plugins for serverless-esbuild (`custom.esbuild.plugins` in
 * serverless.yml). Plain CommonJS: osls requires this file itself.
 */
const { lstatSync, symlinkSync, unlinkSync } = require('node:fs');
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

module.exports = (serverless) =>
  serverless?.processedInput?.commands?.includes('offline') ? [extensionlessHandlers] : [];
