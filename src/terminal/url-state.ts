/**
 * The embed pages' URL parameters. A custom scenario travels in the shared
 * state parameter of the live layer's URL encoding (src/live/); until that
 * lands, only the seed lab is known and this returns undefined.
 */
export function scenarioFromUrl(_params: URLSearchParams): Promise<string | undefined> {
  return Promise.resolve(undefined);
}
