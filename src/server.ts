/**
 * Entry point of `npm start`. The HTTP server (web widget, LINE webhook) arrives with the
 * conversation-engine issue; until then start-up validates the configuration and the
 * knowledge base and says honestly what is available.
 */
import { loadConfig } from './config';
import { loadKnowledge } from './knowledge/load';

const config = loadConfig();
const kb = loadKnowledge(config.knowledgeDir);
console.log(`Knowledge base loaded: ${kb.topics.length} topics.`);
console.log('The chat server is not built yet: try the matcher with  npm run --silent match -- "ร้าน shopee หมดอายุ"');
