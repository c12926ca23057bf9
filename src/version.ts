/** Kept equal to package.json's version by a test (bundling package.json would put all of it in dist/). */
export const VERSION = '0.1.0';
