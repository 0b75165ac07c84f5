/**
 * The Google Cloud APIs each stack needs, enabled by the stack itself.
 *
 * Why in the stack and not as a bootstrap step: a fresh project has almost
 * nothing enabled, and the first apply otherwise fails with SERVICE_DISABLED
 * halfway through. `google_project_service` with `disable_on_destroy = false`
 * makes each stack self-sufficient and safe to destroy:
 *
 * - create only reads the enabled services when the API is already on (no
 *   `serviceusage.services.enable` permission needed then), and enables it
 *   otherwise;
 * - destroy only forgets the resource (`disable_on_destroy = false`), so
 *   destroying one stack never disables an API that another stack in the
 *   same project uses. Several stacks declaring the same service in one
 *   project is therefore fine: each holds its own record of "needs it on".
 *   (provider 6.50.0 resource_google_project_service.go: Create, Delete.)
 *
 * What a stack cannot enable for itself (docs/gcp/README.md, "A fresh
 * project"): the Service Usage API that enables the others, and the Resource
 * Manager API the provider reads the project through. Every other service
 * waits for Resource Manager, and every resource of a construct waits for the
 * services that construct declared (`depends_on`).
 */
import { dependable, TerraformDataSource, TerraformResource, TerraformStack } from 'cdktf';
import { ProjectService } from '@cdktf/provider-google/lib/project-service';
import { Construct } from 'constructs';

/** Service names this library enables, by what needs them. */
export const GCP_SERVICES = {
  /** Project IAM bindings (getIamPolicy / setIamPolicy on the project), and the provider's own project reads. */
  resourceManager: 'cloudresourcemanager.googleapis.com',
  /** Cloud SQL instances, users and the failover workflow's calls. */
  sqlAdmin: 'sqladmin.googleapis.com',
  /** VPC network, private service access range, health checks. */
  compute: 'compute.googleapis.com',
  /** The private service access peering Cloud SQL's private IP uses. */
  serviceNetworking: 'servicenetworking.googleapis.com',
  /** Alert policies. */
  monitoring: 'monitoring.googleapis.com',
  /** Record sets, zone IAM, and the Enterprise Plus PSA write endpoint (a Cloud DNS name). */
  dns: 'dns.googleapis.com',
  /** Service accounts and custom roles. */
  iam: 'iam.googleapis.com',
  /** The failover workflow. */
  workflows: 'workflows.googleapis.com',
  /** The workflow's call logs. */
  logging: 'logging.googleapis.com',
  /** The Terraform state bucket. */
  storage: 'storage.googleapis.com',
  /** Cloud Spanner instances, databases and backup schedules (phase 5, active-active). */
  spanner: 'spanner.googleapis.com',
  /** Discovery records (issue 22): a secret per region. */
  secretManager: 'secretmanager.googleapis.com',
  /** Cloud Run services (the example application in each region). */
  run: 'run.googleapis.com',
} as const;

const CONTAINER_ID = 'ProjectServices';

/**
 * Returns the `google_project_service` resources of `services` in the stack of
 * `scope` (creating each once per stack and project), Resource Manager first.
 */
export function requireServices(scope: Construct, project: string, services: readonly string[]): ProjectService[] {
  const stack = TerraformStack.of(scope);
  const container = (stack.node.tryFindChild(CONTAINER_ID) as Construct | undefined) ?? new Construct(stack, CONTAINER_ID);
  const one = (service: string, dependsOn?: ProjectService[]): ProjectService => {
    const id = `${project}-${service.split('.')[0]}`;
    const existing = container.node.tryFindChild(id) as ProjectService | undefined;
    return existing ?? new ProjectService(container, id, {
      project,
      service,
      // Never disable an API on destroy: another stack of the project may use it.
      disableOnDestroy: false,
      disableDependentServices: false,
      dependsOn,
    });
  };
  const resourceManager = one(GCP_SERVICES.resourceManager);
  const wanted = [...new Set(services)].filter((s) => s !== GCP_SERVICES.resourceManager);
  return [resourceManager, ...wanted.map((s) => one(s, [resourceManager]))];
}

/**
 * Makes every Terraform resource and data source under `scope` (other than
 * the services themselves) wait for `services`, so nothing is created or read
 * before its API is on (a data source whose dependencies change is read
 * during the apply, after them).
 */
export function dependOnServices(scope: Construct, services: readonly ProjectService[]): void {
  for (const c of scope.node.findAll()) {
    if (!(c instanceof TerraformResource || c instanceof TerraformDataSource) || c instanceof ProjectService) continue;
    c.dependsOn = [...(c.dependsOn ?? []), ...services.map((s) => dependable(s))];
  }
}
