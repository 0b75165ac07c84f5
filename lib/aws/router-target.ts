import { Duration } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';

/** Where a region's application traffic goes. */
export class RouterTarget {
  /**
   * A hostname (CNAME record), e.g. an API Gateway regional domain or a load
   * balancer's DNS name. The health check calls this hostname.
   */
  public static fromHostname(hostname: string): RouterTarget {
    return new RouterTarget(hostname, undefined);
  }

  /**
   * An alias target (A record), e.g. `new targets.LoadBalancerTarget(alb)`.
   * Alias records have no TTL of their own (clients see the target's, 60 s for
   * load balancers). `healthCheckHostname` is the name the health check calls
   * (the load balancer's DNS name, or a name its certificate covers).
   */
  public static fromAlias(target: route53.IAliasRecordTarget, healthCheckHostname: string): RouterTarget {
    return new RouterTarget(healthCheckHostname, target);
  }

  private constructor(
    /** The hostname the health check calls. */
    public readonly healthCheckHostname: string,
    /** The alias target, when this is an alias. */
    public readonly alias: route53.IAliasRecordTarget | undefined,
  ) {}
}

/** The application endpoint of one region. */
export interface RegionEndpoint {
  /** The region (one of the topology's). */
  readonly region: string;
  /** Where traffic goes. */
  readonly target: RouterTarget;
  /**
   * Path the HTTPS health check requests.
   * @default healthCheck.path ('/health')
   */
  readonly healthCheckPath?: string;
}

/** Health-check settings shared by every region. */
export interface RouterHealthCheckOptions {
  /**
   * Interval between checks: 10 or 30 seconds.
   * @default Duration.seconds(10)
   */
  readonly interval?: Duration;
  /**
   * Consecutive failures before a region is unhealthy (1–10).
   * @default 3
   */
  readonly failureThreshold?: number;
  /**
   * Route 53 checker regions (at least 3).
   * @default - every checker region
   */
  readonly regions?: readonly string[];
  /**
   * Default request path.
   * @default '/health'
   */
  readonly path?: string;
}
