import type { Clock } from "./clock.js";
import type { ProviderLink } from "./send-attempt.js";

/** The providers that failed with a transient error lately, tried last until their cool-down ends. */
export interface Cooldowns {
  /** The providers in failover order, those cooling down last. */
  order(): readonly ProviderLink[];
  /** Tries this provider last for the cool-down from now. */
  start(id: string): void;
  /** This provider accepted a message: back in its place. */
  end(id: string): void;
  /** Forgets every cool-down. */
  clear(): void;
}

/** Cool-downs of `cooldownMs` over the providers `links`, in their configured order. */
export function createCooldowns(links: readonly ProviderLink[], clock: Clock, cooldownMs: number): Cooldowns {
  const coolingUntil = new Map<string, number>();
  return {
    order() {
      // Nothing cooling down (the usual case): the configured order, without copying it on every send.
      if (coolingUntil.size === 0) return links;
      const now = clock.now();
      const cooling = (link: ProviderLink) => (coolingUntil.get(link.id) ?? 0) > now;
      return [...links.filter((link) => !cooling(link)), ...links.filter(cooling)];
    },
    start(id) {
      coolingUntil.set(id, clock.now() + cooldownMs);
    },
    end(id) {
      coolingUntil.delete(id);
    },
    clear() {
      coolingUntil.clear();
    },
  };
}
