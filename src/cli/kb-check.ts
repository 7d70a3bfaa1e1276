/** npm run kb:check: validates knowledge/ and exits non-zero naming file and field for each problem. */
import { loadConfig } from '../config';
import { KnowledgeError, loadKnowledge } from '../knowledge/load';

try {
  const config = loadConfig();
  const kb = loadKnowledge(config.knowledgeDir);
  const phrasings = kb.topics.reduce((n, t) => n + t.th.symptoms.length + t.en.symptoms.length, 0);
  console.log(`knowledge base OK: ${kb.topics.length} topics, ${phrasings} example phrasings, in ${config.knowledgeDir}`);
} catch (e) {
  console.error(e instanceof KnowledgeError ? e.message : `kb:check failed: ${(e as Error).message}`);
  process.exit(1);
}
