/**
 * Issue 18 items 4 and 10: the entry points say which package to install when
 * a peer dependency is missing, and export the one error type.
 */
import * as core from '../../lib/core';
import { requirePeerDependencies } from '../../lib/core/peer-dependencies';
import { errorOf } from '../error-of';

describe('a missing peer dependency names the entry point and the install command', () => {
  test('one missing package, with the ranges the package declares', () => {
    const error = (() => { try { requirePeerDependencies('multiregion-constructs/aws', ['aws-cdk-lib', 'no-such-package-mrc']); } catch (e) { return e as Error & { code?: string }; } return undefined; })();
    expect(error?.message).toBe(
      'multiregion-constructs/aws needs no-such-package-mrc (a peer dependency of multiregion-constructs), which is not installed; '
      + "install multiregion-constructs/aws's peer dependencies next to it: npm install aws-cdk-lib@^2.276.0 no-such-package-mrc",
    );
    expect(error?.code).toBe('MODULE_NOT_FOUND');
  });

  test('several missing packages', () => {
    expect(errorOf(() => requirePeerDependencies('multiregion-constructs/gcp', ['no-such-a', 'no-such-b']))).toBe(
      "multiregion-constructs/gcp needs no-such-a and no-such-b (peer dependencies of multiregion-constructs), which are not installed; install multiregion-constructs/gcp's peer dependencies next to it: npm install no-such-a no-such-b",
    );
  });

  test('installed peers pass silently', () => {
    expect(() => requirePeerDependencies('multiregion-constructs/aws', ['aws-cdk-lib', 'constructs'])).not.toThrow();
    expect(() => requirePeerDependencies('multiregion-constructs/gcp', ['cdktf', '@cdktf/provider-google', 'constructs'])).not.toThrow();
  });
});

describe('the error type from every cloud entry point', () => {
  test('/aws and /gcp export the same MultiRegionConfigError as the root', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(require('../../lib/aws').MultiRegionConfigError).toBe(core.MultiRegionConfigError);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(require('../../lib/gcp').MultiRegionConfigError).toBe(core.MultiRegionConfigError);
  });
});

describe('package.json: every subpath resolves its types under node10 resolution too (issue 18 item 1)', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pkg = require('../../package.json') as {
    exports: Record<string, string | { types: string; default: string }>;
    typesVersions: Record<string, Record<string, string[]>>;
  };
  const subpaths = Object.entries(pkg.exports).filter(([key, value]) => key !== '.' && typeof value === 'object') as [string, { types: string }][];

  test.each(subpaths)('%s: typesVersions maps it to the declaration file the exports map names', (subpath, target) => {
    expect(pkg.typesVersions['*'][subpath.replace(/^\.\//, '')]).toEqual([target.types.replace(/^\.\//, '')]);
  });
});
