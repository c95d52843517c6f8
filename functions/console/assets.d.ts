/** The console's built app and page, embedded at bundling (local/esbuildPlugins.cjs). */
declare module 'berth-console-assets' {
  export const appJs: string;
  export const indexHtml: string;
}
