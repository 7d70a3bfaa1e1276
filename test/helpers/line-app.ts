import { FakeLineApi, SECRET, TOKEN } from '../channels/line/fake-line-api';
import { deliverLine, startApp, type RunningApp } from './app-harness';

/** The settings that turn LINE on and point the bot at `fake` instead of api.line.me. */
export function lineEnv(fake: FakeLineApi): Record<string, string> {
  return { LINE_CHANNEL_SECRET: SECRET, LINE_CHANNEL_ACCESS_TOKEN: TOKEN, LINE_API_BASE_URL: fake.url };
}

export interface LineApp {
  app: RunningApp;
  fake: FakeLineApi;
  /** Delivers signed LINE events, waits until they are handled, returns what the bot sent (JSON). */
  deliver(...events: Record<string, unknown>[]): Promise<string>;
  /** Closes the bot, then the fake LINE API. */
  close(): Promise<void>;
}

/** A fake LINE API, started, and the whole bot (see startApp) with LINE on against it and `env` besides. */
export async function startLineApp(env: Record<string, string> = {}): Promise<LineApp> {
  const fake = new FakeLineApi();
  await fake.start();
  const app = await startApp({ ...lineEnv(fake), ...env });
  return {
    app,
    fake,
    deliver: (...events) => deliverLine(app, fake, ...events),
    close: async () => {
      await app.close();
      await fake.stop();
    },
  };
}
