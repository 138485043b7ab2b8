/**
 * Cases whose stored outputs are the correct (goflow) behaviour but the engine does not produce them
 * yet. Both suites run them as expected failures, so a fix shows up as a test to move out of here.
 */
export const KNOWN_FAILING: Record<string, string> = {};
