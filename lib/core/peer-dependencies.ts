/**
 * The cloud entry points need their cloud's construct library, which the
 * package declares as peer dependencies (optional, so an AWS user never
 * installs cdktf and a Google Cloud user never installs aws-cdk-lib). A
 * missing one would otherwise surface as a bare "Cannot find module" from deep
 * inside the entry point; this names the entry point and the install command.
 */
import * as fs from 'fs';
import * as path from 'path';

/** Throws when one of `packages` cannot be resolved from this package. */
export function requirePeerDependencies(entryPoint: string, packages: readonly string[]): void {
  const missing = packages.filter((name) => !resolvable(name));
  if (missing.length === 0) return;
  const ranges = peerRanges();
  const install = packages.map((name) => (ranges[name] ? `${name}@${ranges[name]}` : name)).join(' ');
  const error = new Error(
    `${entryPoint} needs ${missing.join(' and ')} (${missing.length === 1 ? 'a peer dependency' : 'peer dependencies'} of multiregion-constructs), `
    + `which ${missing.length === 1 ? 'is' : 'are'} not installed; install ${entryPoint}'s peer dependencies next to it: npm install ${install}`,
  );
  (error as Error & { code: string }).code = 'MODULE_NOT_FOUND';
  throw error;
}

/** Resolvable without loading it (its main module, or its package.json when an exports map hides the main). */
function resolvable(name: string): boolean {
  return [name, `${name}/package.json`].some((specifier) => {
    try {
      require.resolve(specifier);
      return true;
    } catch {
      return false;
    }
  });
}

/** The package's declared peer ranges (lib/core/ or dist/core/ → the package root). */
function peerRanges(): Record<string, string> {
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { peerDependencies?: Record<string, string> };
    return manifest.peerDependencies ?? {};
  } catch {
    return {};
  }
}
