/**
 * Phase 4 on Google Cloud: reads from every region (geo-routed read
 * hostname, nearest healthy region), writes to one primary (failover policy).
 * Same stacks as phase 3; the router also publishes the read record.
 */
import { App } from 'cdktf';
import { GcpExampleConfig } from './config';
import { buildGcpDeployment, GcpDeployment } from './deployment';

export function buildGcpPhase4(app: App, config: GcpExampleConfig): GcpDeployment {
  return buildGcpDeployment(app, config, { phase: 4, name: 'orders-p4', stackPrefix: 'gcp-phase4' });
}
