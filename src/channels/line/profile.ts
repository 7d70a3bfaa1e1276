import { messagingApi } from '@line/bot-sdk';

/**
 * The seller's LINE display name (GET /v2/bot/profile/{userId}): how support finds them in the
 * LINE Official Account Manager's chat, which does not show user ids. Undefined when LINE does
 * not answer in time or at all (a seller who blocked the account has no profile to read).
 */
export async function lineDisplayName(line: { channelAccessToken: string; apiBaseUrl: string }, lineUserId: string, timeoutMs = 3000): Promise<string | undefined> {
  const client = new messagingApi.MessagingApiClient({ channelAccessToken: line.channelAccessToken, baseURL: line.apiBaseUrl.replace(/\/+$/, '') });
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs)));
  try {
    const profile = await Promise.race([client.getProfile(lineUserId).catch(() => undefined), late]);
    return profile?.displayName || undefined;
  } finally {
    clearTimeout(timer);
  }
}
