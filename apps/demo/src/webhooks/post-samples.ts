import type { InboxMessage } from "../inbox/smtp-inbox.js";
import { step, type TextOutput, writeLine } from "../output.js";
import type { DemoWebhookSecrets } from "./demo-secrets.js";
import { type SamplePost, type SampleTarget, samplePosts } from "./sample-events.js";

/** What one sample post got. */
export interface SampleOutcome {
  readonly post: SamplePost;
  readonly status: number;
}

const LINK = /https?:\/\/[^\s<>"')\]]+/;

/** The inbox messages with these ids (as `send()` returned them), as sample targets, in the ids' order. */
export function sampleTargets(
  messages: readonly InboxMessage[],
  messageIds: readonly string[],
): SampleTarget[] {
  return messageIds.flatMap((messageId) => {
    const message = messages.find((candidate) => candidate.parsed.messageId === messageId);
    if (!message) return [];
    return [
      {
        messageId,
        name: `#${message.id}`,
        recipient: message.envelopeTo[0] ?? "ada@localhost.test",
        subject: message.parsed.subject ?? "",
        link: LINK.exec(message.parsed.text ?? "")?.[0] ?? "https://posse-party.example/",
      },
    ];
  });
}

/**
 * Posts one signed sample event of each vendor, and one forged, to the inbox's webhooks at `inboxUrl` over
 * HTTP, printing a line per post. Rejects when the inbox answered any post otherwise than expected (200 for
 * the signed ones, 401 for the forged one).
 */
export async function postSampleEvents(options: {
  readonly inboxUrl: string;
  readonly secrets: DemoWebhookSecrets;
  readonly targets: readonly SampleTarget[];
  readonly out: TextOutput;
  readonly now?: Date;
}): Promise<SampleOutcome[]> {
  const { out } = options;
  writeLine(out, "Posting a signed sample event of each vendor to the inbox's webhooks, and a forged one:");
  const outcomes: SampleOutcome[] = [];
  for (const post of samplePosts(options.secrets, options.targets, options.now)) {
    const path = `webhooks/${post.vendor}`;
    const status = await step(
      out,
      post.authentic
        ? `  POST /${path.padEnd(20)} ${post.label} of ${post.target.name}`
        : `  POST /${path.padEnd(20)} forged ${post.label} of ${post.target.name} (body changed after signing)`,
      async () => {
        const response = await fetch(new URL(path, options.inboxUrl), {
          method: "POST",
          headers: post.headers,
          body: post.body,
        });
        await response.arrayBuffer();
        return response.status;
      },
      (code) => `${code} ${code < 300 ? "accepted" : "refused"}`,
    );
    outcomes.push({ post, status });
  }
  const unexpected = outcomes.find(({ post, status }) => (post.authentic ? status !== 200 : status !== 401));
  if (unexpected) {
    throw new Error(
      `the inbox answered ${unexpected.status} to the ${unexpected.post.authentic ? "signed" : "forged"} ${unexpected.post.vendor} sample`,
    );
  }
  return outcomes;
}
