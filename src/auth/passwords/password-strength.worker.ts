import { parentPort } from 'node:worker_threads';
import { estimateStrength } from './password-strength.estimator.js';

/**
 * The worker thread that runs zxcvbn (password-strength.ts starts it): its dictionaries are loaded
 * once, here, and its CPU-heavy matching never blocks the event loop that serves requests.
 */
export interface StrengthRequest {
  readonly id: number;
  readonly password: string;
  readonly userInputs: readonly string[];
}

parentPort?.on('message', (request: StrengthRequest) => {
  parentPort?.postMessage({ id: request.id, verdict: estimateStrength(request.password, request.userInputs) });
});
