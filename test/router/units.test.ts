import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { analyzeDocument, DocumentCache, ReadYourWrites, readCookie } from '../../lib/router';
import { parseCliArgs, parseListen, USAGE } from '../../lib/router/cli';

describe('ReadYourWrites', () => {
  const now = 1_700_000_000_000;

  it('defaults: 5 s HttpOnly Secure SameSite=Lax cookie mr_ryw', () => {
    const ryw = new ReadYourWrites();
    expect(ryw.marker(now)).toEqual({
      name: 'set-cookie',
      value: `mr_ryw=${now + 5000}; Max-Age=5; Path=/; HttpOnly; SameSite=Lax; Secure`,
    });
  });

  it('honours a live marker and ignores expired, far-future and malformed ones', () => {
    const ryw = new ReadYourWrites({ windowMs: 2000 });
    const at = (value: string) => ryw.isMarked({ cookie: `a=1; mr_ryw=${value}; b=2` }, now);
    expect(at(String(now + 1500))).toBe(true);
    expect(at(String(now - 1))).toBe(false);
    expect(at(String(now + 10 * 60_000))).toBe(false);
    expect(at('1e20')).toBe(false);
    expect(at('abc')).toBe(false);
    expect(ryw.isMarked({}, now)).toBe(false);
  });

  it('header mode uses the configured header name', () => {
    const ryw = new ReadYourWrites({ mode: 'header', name: 'X-Wrote-At', windowMs: 1000 });
    expect(ryw.marker(now)).toEqual({ name: 'x-wrote-at', value: String(now + 1000) });
    expect(ryw.isMarked({ 'x-wrote-at': String(now + 500) }, now)).toBe(true);
  });

  it('windowMs 0 turns it off', () => {
    const ryw = new ReadYourWrites({ windowMs: 0 });
    expect(ryw.enabled).toBe(false);
    expect(ryw.isMarked({ cookie: `mr_ryw=${now + 1}` }, now)).toBe(false);
  });

  it('rejects bad options with the fix in the message', () => {
    expect(() => new ReadYourWrites({ windowMs: -1, name: 'bad name' })).toThrow(
      /readYourWrites.windowMs -1 is not a whole number of milliseconds >= 0; set it to the replication-lag bound[\s\S]*readYourWrites.name 'bad name'/,
    );
  });

  it('readCookie picks the latest of several same-name cookies', () => {
    expect(readCookie(['mr_ryw=5', 'x=1; mr_ryw=9'], 'mr_ryw')).toBe('9');
    expect(readCookie('mr_ryw_other=1', 'mr_ryw')).toBeUndefined();
  });
});

describe('DocumentCache', () => {
  it('evicts the least recently used document', () => {
    const cache = new DocumentCache(2);
    const a = cache.summarize('{ a }');
    const b = cache.summarize('{ b }');
    expect(cache.summarize('{ a }')).toBe(a); // hit, refreshed
    cache.summarize('{ c }'); // evicts { b }
    expect(cache.summarize('{ a }')).toBe(a);
    const b2 = cache.summarize('{ b }');
    expect(b2).toEqual(b);
    expect(b2).not.toBe(b); // parsed again
  });

  it('keys documents over 16 KiB by SHA-256: a repeated large document is parsed once', () => {
    const cache = new DocumentCache(10);
    const large = `query Big { ${Array.from({ length: 3000 }, (_, i) => `f${i}`).join(' ')} }`;
    expect(large.length).toBeGreaterThan(16 * 1024);
    expect(cache.summarize(large)?.byName.get('Big')).toBe('query');
    expect(cache.summarize(large)?.byName.get('Big')).toBe('query');
    expect(cache.misses).toBe(1);
    // Over the budget is remembered too, by digest.
    const flood = `{ ${'a '.repeat(20_000)}}`;
    expect(cache.analyze(flood)).toEqual({ ok: false, reason: 'document-over-budget' });
    expect(cache.analyze(flood)).toEqual({ ok: false, reason: 'document-over-budget' });
    expect(cache.misses).toBe(2);
  });

  it('caches parse failures as failures', () => {
    const cache = new DocumentCache(10);
    expect(cache.summarize('{')).toBeUndefined();
    expect(cache.summarize('{')).toBeUndefined();
  });
});

describe('parse budget', () => {
  it('counts tokens, nesting and aliases, and stops at the first excess', () => {
    expect(analyzeDocument('{ a b c }', { maxTokens: 5 }).ok).toBe(true);
    expect(analyzeDocument('{ a b c d }', { maxTokens: 5 })).toEqual({ ok: false, reason: 'document-over-budget' });
    expect(analyzeDocument('{ a { b { c } } }', { maxDepth: 3 }).ok).toBe(true);
    expect(analyzeDocument('{ a { b { c { d } } } }', { maxDepth: 3 }).ok).toBe(false);
    // object values and variable definitions are not aliases
    expect(analyzeDocument('query Q($v: In = {x: 1, y: 2}) { x: a(o: {p: 1, q: 2}) }', { maxAliases: 1 }).ok).toBe(true);
    expect(analyzeDocument('{ x: a y: a }', { maxAliases: 1 })).toEqual({ ok: false, reason: 'document-over-budget' });
    expect(analyzeDocument('{ a', {})).toEqual({ ok: false, reason: 'parse-error' });
    expect(analyzeDocument('{ a ` }', {})).toEqual({ ok: false, reason: 'parse-error' });
  });
});

describe('CLI arguments', () => {
  it('parses the documented flags', () => {
    const config = parseCliArgs([
      '--listen', '127.0.0.1:9090',
      '--primary', 'http://127.0.0.1:4000',
      '--read', 'http://127.0.0.1:4001',
      '--max-body-bytes', '2048',
      '--ryw-window-ms', '1500',
      '--insecure-cookie',
      '--preserve-host',
    ]);
    expect(config).not.toBe('help');
    if (config === 'help') return;
    expect(config.host).toBe('127.0.0.1');
    expect(config.port).toBe(9090);
    expect(config.options).toMatchObject({
      primary: 'http://127.0.0.1:4000',
      read: 'http://127.0.0.1:4001',
      maxBodyBytes: 2048,
      readYourWrites: { windowMs: 1500, secure: false },
      hostHeader: 'preserve',
    });
  });

  it('explains what is missing or wrong', () => {
    expect(() => parseCliArgs(['--read', 'http://x'])).toThrow('--primary <url> is required');
    expect(() => parseCliArgs(['--primary', 'http://a', '--read', 'http://b', '--ryw-window-ms', 'soon'])).toThrow(
      "--ryw-window-ms 'soon' must be a whole number >= 0",
    );
    expect(() => parseCliArgs(['--primary', 'http://a', '--read', 'http://b', '--listen', 'nowhere'])).toThrow("--listen 'nowhere' must be host:port");
    expect(parseCliArgs(['--help'])).toBe('help');
  });

  it('parses the budget, cache, fallback and signing-key flags', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ryw-key-'));
    try {
      const keyFile = join(dir, 'keys');
      writeFileSync(keyFile, `${'n'.repeat(40)}\n\n  ${'o'.repeat(44)}  \n`);
      const config = parseCliArgs([
        '--primary', 'http://127.0.0.1:4000', '--read', 'http://127.0.0.1:4001',
        '--max-tokens', '5000', '--max-depth', '32', '--max-aliases', '200', '--document-cache-size', '0',
        '--no-read-fallback', '--ryw-key-file', keyFile,
      ]);
      if (config === 'help') throw new Error('unexpected help');
      expect(config.options).toMatchObject({
        maxTokens: 5000,
        maxDepth: 32,
        maxAliases: 200,
        documentCacheSize: 0,
        readFallback: false,
        readYourWrites: { signingKey: ['n'.repeat(40), 'o'.repeat(44)] },
      });
      const defaults = parseCliArgs(['--primary', 'http://a', '--read', 'http://b']);
      if (defaults === 'help') throw new Error('unexpected help');
      expect(defaults.options.readFallback).toBe(true);
      expect(defaults.options.readYourWrites).toMatchObject({ signingKey: undefined });

      writeFileSync(keyFile, 'too-short\n');
      expect(() => parseCliArgs(['--primary', 'http://a', '--read', 'http://b', '--ryw-key-file', keyFile])).toThrow(
        `--ryw-key-file ${keyFile}: key 1 has 9 characters; use at least 32`,
      );
      writeFileSync(keyFile, '\n');
      expect(() => parseCliArgs(['--primary', 'http://a', '--read', 'http://b', '--ryw-key-file', keyFile])).toThrow('no key in the file');
      expect(() => parseCliArgs(['--primary', 'http://a', '--read', 'http://b', '--ryw-key-file', join(dir, 'missing')])).toThrow(
        /--ryw-key-file .*missing: ENOENT/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects budget and timeout values that cannot work', () => {
    const base = ['--primary', 'http://a', '--read', 'http://b'];
    expect(() => parseCliArgs([...base, '--max-tokens', '0'])).toThrow("--max-tokens '0' must be a whole number >= 1");
    expect(() => parseCliArgs([...base, '--max-depth', '2.5'])).toThrow("--max-depth '2.5' must be a whole number >= 1");
    expect(() => parseCliArgs([...base, '--max-aliases', 'many'])).toThrow("--max-aliases 'many' must be a whole number >= 1");
    expect(() => parseCliArgs([...base, '--document-cache-size=-1'])).toThrow("--document-cache-size '-1' must be a whole number >= 0");
    expect(() => parseCliArgs([...base, '--upstream-timeout-ms', '0'])).toThrow("--upstream-timeout-ms '0' must be a whole number >= 1");
    expect(() => parseCliArgs([...base, '--max-body-bytes', ''])).toThrow("--max-body-bytes '' must be a whole number >= 1");
    expect(() => parseCliArgs([...base, '--read-fallback'])).toThrow(/Unknown option '--read-fallback'/);
  });

  it('documents every flag in --help', () => {
    for (const flag of ['--max-tokens', '--max-depth', '--max-aliases', '--document-cache-size', '--no-read-fallback', '--ryw-key-file']) {
      expect(USAGE).toContain(flag);
    }
  });

  it('parses listen addresses', () => {
    expect(parseListen('[::1]:8080')).toEqual({ host: '::1', port: 8080 });
    expect(parseListen(':8080')).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(parseListen('8081')).toEqual({ host: '127.0.0.1', port: 8081 });
  });
});
