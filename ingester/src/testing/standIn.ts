/**
 * @copilot-metrics/ingester/testing/stand-in: what a stand-in for the query API needs to answer as the
 * ingester does, without a database, the network or the rest of the harness, so that it also loads
 * where only part of Node is (the plugin's jsdom tests): the frame builders and the day numbers they
 * take.
 */
export { type DayNumber, parseDay } from '../days';
export { buildFrames, unavailableFrame } from '../query/frames';
