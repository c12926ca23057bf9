// proxy-from-env 2.x ships no types (the @types package describes 1.x); this is the one function used.
declare module 'proxy-from-env' {
  /** The proxy URL for `url` from the *_PROXY and NO_PROXY variables of `process.env`, or '' for none. */
  export function getProxyForUrl(url: string | URL): string;
}
