import { defineRule, everyResource } from '../rule';

export const ecsDeploymentCircuitBreaker = defineRule(__filename, {
  description: 'Failing deployments stop and roll back',
  scannerIds: [],
  scope: 'all',
  fix: 'set services.<name>.deployment.circuitBreaker: true',
  check: (stack) =>
    everyResource(
      stack,
      'aws_ecs_service',
      (s) => s.deployment_circuit_breaker?.enable === true && s.deployment_circuit_breaker?.rollback === true,
      'no deployment circuit breaker with rollback',
    ),
});
