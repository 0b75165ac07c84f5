/**
 * Bad lab input (an unknown drill, a port in use, a data directory that is
 * not the lab's, a server binary that cannot run) is reported with the
 * project's one error type, in its one-line format:
 *
 *   Lab 'basePort': port 54000 on 127.0.0.1 is in use; choose another --base-port or stop what listens there
 */
import { MultiRegionConfigError } from '../lib/core/errors';

/** Throws a one-problem {@link MultiRegionConfigError} for the lab setting `property`. */
export function labError(property: string, message: string, fix: string): MultiRegionConfigError {
  return new MultiRegionConfigError({ construct: 'Lab', path: property }, [{ property, message, fix }]);
}

/** A failure while a drill runs (a server that would not start, a step past its time limit). */
export class LabRunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabRunError';
  }
}
