import type { LocationHierarchy } from "./locations";

/**
 * The small Rwanda hierarchy goflow's documentation examples run against; the conformance command
 * uses it when a table supplies no `locations` of its own.
 */
export const SAMPLE_LOCATIONS: LocationHierarchy = {
  name: "Rwanda",
  aliases: ["Ruanda"],
  children: [
    {
      name: "Kigali City",
      aliases: ["Kigali", "Kigari"],
      children: [
        { name: "Gasabo", children: [{ name: "Gisozi" }, { name: "Ndera" }] },
        { name: "Nyarugenge", children: [{ name: "Nyarugenge" }] },
      ],
    },
    {
      name: "Eastern Province",
      children: [{ name: "Rwamagana", children: [{ name: "Kigabiro" }, { name: "Muhazi" }] }],
    },
  ],
};
