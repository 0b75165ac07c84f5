/**
 * Does a JSON text have an object with the same key twice (after unescaping:
 * `"query"` and `"\u0071uery"` are the same key), or a `__proto__` key?
 *
 * `JSON.parse` keeps the last of duplicate keys; other parsers keep the
 * first, reject the document, or keep both (and `Object.assign` turns a
 * `__proto__` key into a prototype): the router and the server could read
 * different requests. Call it on text `JSON.parse` accepted (it does not
 * validate). Linear time, no recursion: strings are skipped with `indexOf`.
 */
export function hasAmbiguousKeys(text: string): boolean {
  // One entry per open container: a Set of keys seen (objects), undefined
  // (an object with no key yet), or null (an array).
  const stack: (Set<string> | undefined | null)[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const quote = text.indexOf('"', i);
    const gapEnd = quote === -1 ? n : quote;
    for (let k = i; k < gapEnd; k++) {
      const c = text.charCodeAt(k);
      if (c === 0x7b /* { */) stack.push(undefined);
      else if (c === 0x5b /* [ */) stack.push(null);
      else if (c === 0x7d /* } */ || c === 0x5d /* ] */) stack.pop();
    }
    if (quote === -1) return false;
    // The closing quote: the first one preceded by an even number of backslashes.
    let end = quote + 1;
    for (;;) {
      end = text.indexOf('"', end);
      if (end === -1) return false;
      let backslashes = 0;
      for (let b = end - 1; text.charCodeAt(b) === 0x5c; b--) backslashes++;
      if (backslashes % 2 === 0) break;
      end++;
    }
    let next = end + 1;
    while (next < n && isJsonSpace(text.charCodeAt(next))) next++;
    if (text.charCodeAt(next) === 0x3a /* : */ && stack.length > 0) {
      const raw = text.slice(quote + 1, end);
      const key = raw.includes('\\') ? (JSON.parse(text.slice(quote, end + 1)) as string) : raw;
      if (key === '__proto__') return true;
      let keys = stack[stack.length - 1];
      if (keys === undefined) {
        keys = new Set();
        stack[stack.length - 1] = keys;
      }
      if (keys !== null) {
        if (keys.has(key)) return true;
        keys.add(key);
      }
    }
    i = end + 1;
  }
  return false;
}

function isJsonSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}
