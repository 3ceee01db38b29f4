/** A script that cannot run as given (an event outside the period, a start the mode cannot reach): a 422 at the API. */
export class SimulationError extends Error {
  override readonly name = 'SimulationError';
}
