/** What happened to a message, normalized across vendors. */
export type MailEventType =
  | "delivered"
  | "deferred"
  | "bounced"
  | "complained"
  | "rejected"
  | "opened"
  | "clicked"
  | "unsubscribed"
  | "unknown";

/** Bounce classification. */
export interface MailBounce {
  /** `hard`: the address will not take mail; `soft`: it may later; `undetermined`: the vendor does not say. */
  readonly kind: "hard" | "soft" | "undetermined";
  /** The vendor's reason/category, e.g. "Permanent/General", "HardBounce". */
  readonly reason?: string;
  /** The vendor's diagnostic text (SMTP reply), if any. */
  readonly diagnostic?: string;
}

/** One normalized delivery event, for one recipient. */
export interface MailEvent {
  /** What happened. */
  readonly type: MailEventType;
  /** Provider id, e.g. "postmark". */
  readonly provider: string;
  /** Equals the messageId that send() returned for this vendor (brackets/prefixes normalized); undefined if the vendor gave none. */
  readonly messageId: string | undefined;
  /** The recipient address this event is about. */
  readonly recipient: string | undefined;
  /** When the vendor says it happened. */
  readonly timestamp: Date;
  /** The vendor's event id when it has one (for deduplication). */
  readonly eventId?: string;
  /** The vendor's own event name, e.g. "Bounce", "hard_bounce". */
  readonly vendorType: string;
  /** Bounce classification, for "bounced". */
  readonly bounce?: MailBounce;
  /** The clicked URL for "clicked". */
  readonly url?: string;
  /** Tags sent with the message, as the vendor reports them. */
  readonly tags: readonly string[];
  /** Metadata sent with the message, as the vendor reports it. */
  readonly metadata: Readonly<Record<string, string>>;
  /** The vendor's raw event (one element of a batch). */
  readonly raw: unknown;
}
