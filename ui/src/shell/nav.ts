/** The header's links, in order; a screen that wants a place in the header adds itself here. */
export interface NavItem {
  href: string;
  label: string;
  /** Paths under which this item is the current page. */
  matches: (path: string) => boolean;
  /** Shown to admins only. */
  admin?: boolean;
}

export const NAV: NavItem[] = [
  { href: "/flows", label: "Flows", matches: (p) => p === "/" || p.startsWith("/flows") },
  { href: "/whatsapp-forms", label: "WhatsApp forms", matches: (p) => p.startsWith("/whatsapp-forms") },
  { href: "/users", label: "Users", matches: (p) => p.startsWith("/users"), admin: true },
];
