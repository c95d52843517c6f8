/**
 * Wakes the service scheduler for one service: after CreateService,
 * UpdateService and DeleteService, and when one of the service's tasks
 * reaches RUNNING or STOPPED. It returns once the wake-up is handed over (an
 * asynchronous Lambda invocation), not when the scheduler has run; the
 * scheduler's sweep catches any wake-up that is lost.
 */
interface ServiceWaker {
  wake(cluster: string, serviceName: string): Promise<void>;
}

export type { ServiceWaker };
