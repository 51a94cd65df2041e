/** Checks an alert webhook URL (settings registry): undefined when fine, else what is allowed. */
export function checkWebhookUrl(value: string): string | undefined {
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:' ? undefined : 'an http:// or https:// URL';
  } catch {
    return 'an http:// or https:// URL';
  }
}
