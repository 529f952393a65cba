/** The application's clock: injectable so tests can record events at chosen instants. */
export type Clock = () => Date

export const systemClock: Clock = () => new Date()
