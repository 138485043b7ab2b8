/**
 * Cases whose stored outputs are the correct (goflow) behaviour but the engine does not produce them
 * yet. Both suites run them as expected failures, so a fix shows up as a test to move out of here.
 */
export const KNOWN_FAILING: Record<string, string> = {
  "contact_actions.timezone_same_node.test.json":
    "the environment is built once per node, so a set_contact_timezone does not apply to the actions after it in the same node " +
    "(goflow's environment reads the contact's timezone at every use): the datetime field is parsed in UTC and formats with Z instead of +02:00",
};
