/**
 * Phase 3 on Google Cloud: active-passive with a tested failover. The
 * primary runs Enterprise Plus with a cross-region DR replica (switchover
 * without data loss, PSA write endpoint), the write hostname uses a Cloud DNS
 * failover policy, and the failover workflow runs outside the primary's region.
 */
import { App } from 'cdktf';
import { GcpExampleConfig } from './config';
import { buildGcpDeployment, GcpDeployment } from './deployment';

export function buildGcpPhase3(app: App, config: GcpExampleConfig): GcpDeployment {
  return buildGcpDeployment(app, config, { phase: 3, name: 'orders-p3', stackPrefix: 'gcp-phase3' });
}
