/**
 * The pictures of the screenshot set: what each shows (its topic, a printed error code) and how
 * it looks (a phone's width and pixel density, dark mode, JPEG, a slight turn, a crop).
 */

type Brand = 'lazada' | 'shopee' | 'bigseller' | 'tiktok' | 'shopify' | 'woocommerce' | 'facebook' | 'browser';
type Layout = 'modal' | 'toast' | 'page';

interface Content {
  name: string;
  /** The article it should get; 'none' for a picture that shows no problem. */
  topic: string;
  code?: string;
  /** A password shown in clear. */
  secret?: string;
  lang: 'th' | 'en';
  brand: Brand;
  layout: Layout;
  title: string;
  lines: string[];
}

interface Look {
  name: string;
  width: number;
  height: number;
  scale: number;
  dark?: boolean;
  jpeg?: number;
  rotate?: number;
  clip?: { x: number; y: number; width: number; height: number };
}

/** A picture to draw: what it shows, its page, and its look's size and finish. */
export interface Shot extends Omit<Look, 'name'> {
  id: string;
  topic: string;
  code?: string;
  secret?: string;
  lang: 'th' | 'en';
  looks: string;
  html: string;
}

const LOOKS: Record<string, Look> = {
  phone: { name: 'phone', width: 390, height: 844, scale: 2 },
  dark: { name: 'dark', width: 412, height: 915, scale: 2, dark: true, jpeg: 70 },
  turned: { name: 'turned', width: 360, height: 780, scale: 3, jpeg: 60, rotate: 2 },
  laptop: { name: 'laptop', width: 1280, height: 800, scale: 1, jpeg: 80, clip: { x: 0, y: 0, width: 900, height: 520 } },
  cropped: { name: 'cropped', width: 390, height: 844, scale: 3, jpeg: 45, clip: { x: 0, y: 40, width: 390, height: 420 } },
};

const BRAND_COLOURS: Record<Brand, string> = {
  lazada: '#0f146d',
  shopee: '#ee4d2d',
  bigseller: '#1677ff',
  tiktok: '#111111',
  shopify: '#008060',
  woocommerce: '#7f54b3',
  facebook: '#1877f2',
  browser: '#dee1e6',
};

const BRAND_NAMES: Record<Brand, string> = {
  lazada: 'Lazada Seller Center',
  shopee: 'Shopee Seller Centre',
  bigseller: 'BigSeller',
  tiktok: 'TikTok Shop Seller Center',
  shopify: 'Shopify admin',
  woocommerce: 'WordPress › WooCommerce',
  facebook: 'Facebook',
  browser: 'https://myshop.example.com/wp-json/wc/v3/',
};

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function html(c: Content): string {
  const bar = BRAND_COLOURS[c.brand];
  const barText = c.brand === 'browser' ? '#333' : '#fff';
  const body = c.lines.map((l, i) => `<p class="${i === 0 && c.code ? 'err' : ''}">${esc(l)}</p>`).join('');
  const ok = c.lang === 'th' ? 'ตกลง' : 'OK';
  const card =
    c.layout === 'modal'
      ? `<div class="shade"></div><div class="modal"><h2>${esc(c.title)}</h2>${body}<button>${ok}</button></div>`
      : c.layout === 'toast'
        ? `<div class="toast"><b>${esc(c.title)}</b>${body}</div>${filler(c.lang)}`
        : `<div class="page"><h2>${esc(c.title)}</h2>${body}</div>${filler(c.lang)}`;
  return `<!doctype html><html lang="${c.lang}"><head><meta charset="utf-8"><style>
  body{margin:0;font-family:'Loma','Garuda',sans-serif;background:#f4f5f7;color:#222}
  .bar{background:${bar};color:${barText};padding:14px 16px;font-size:17px;font-family:sans-serif}
  .shade{position:fixed;inset:0;background:#0007}
  .modal{position:fixed;left:20px;right:20px;top:170px;background:#fff;border-radius:12px;padding:18px 20px;box-shadow:0 4px 16px #0004}
  .modal h2,.page h2{font-size:19px;margin:0 0 10px}
  p{font-size:15px;line-height:1.5;margin:8px 0}
  .err{color:#c4161c;font-weight:600}
  button{background:${bar === '#dee1e6' ? '#555' : bar};color:#fff;border:0;border-radius:6px;padding:9px 28px;font-size:15px;margin-top:8px}
  .toast{margin:14px;background:#fff1f0;border:1px solid #ffa39e;border-radius:8px;padding:12px 14px}
  .toast b{display:block;margin-bottom:4px}
  .page{margin:14px;background:#fff;border-radius:8px;padding:16px}
  .row{margin:10px 14px;background:#fff;border-radius:8px;padding:12px;color:#555;font-size:14px}
  @media (prefers-color-scheme: dark){
    body{background:#121212;color:#e8e8e8}.modal,.page,.row{background:#1e1e1e;color:#e8e8e8}
    .toast{background:#2a1215;border-color:#58181c;color:#eee}.err{color:#ff7875}
  }
  </style></head><body><div class="bar">${esc(BRAND_NAMES[c.brand])}</div>${card}</body></html>`;
}

/** Rows of an ordinary page under the message, as in a real screenshot. */
function filler(lang: 'th' | 'en'): string {
  const rows = lang === 'th' ? ['คำสั่งซื้อวันนี้ 12 รายการ', 'สินค้าใกล้หมด 3 รายการ', 'ข้อความจากลูกค้า 5'] : ["Today's orders 12", 'Low stock 3 items', 'Customer messages 5'];
  return rows.map((r) => `<div class="row">${esc(r)}</div>`).join('');
}

const PNM = 'PASSWORD_NOT_MATCH';
const IDE = 'INTERNAL_DATA_ERROR';

/** Pictures with a printed error code: each is drawn in two looks. */
const WITH_CODES: Content[] = [
  { name: 'lazada-pnm-modal-th', topic: 'lazada-password-not-match', code: PNM, lang: 'th', brand: 'lazada', layout: 'modal', title: 'เชื่อมต่อร้านค้าไม่สำเร็จ', lines: [`Error: ${PNM}`, 'รหัสผ่านไม่ถูกต้อง กรุณาลองใหม่อีกครั้ง'] },
  { name: 'lazada-pnm-modal-en', topic: 'lazada-password-not-match', code: PNM, lang: 'en', brand: 'lazada', layout: 'modal', title: 'Authorization failed', lines: [PNM, 'The password does not match. Please try again.'] },
  { name: 'bigseller-pnm-page-th', topic: 'lazada-password-not-match', code: PNM, lang: 'th', brand: 'bigseller', layout: 'page', title: 'การอนุญาตร้านค้าล้มเหลว', lines: [`Lazada: ${PNM}`, 'ร้าน: ploy.beauty (TH)', 'กรุณาตรวจสอบแล้วอนุญาตอีกครั้ง'] },
  { name: 'bigseller-pnm-page-en', topic: 'lazada-password-not-match', code: PNM, lang: 'en', brand: 'bigseller', layout: 'page', title: 'Store authorization failed', lines: [`Lazada error code: ${PNM}`, 'Store: ploy.beauty (TH)', 'Please check and authorize again.'] },
  { name: 'lazada-pnm-toast-th', topic: 'lazada-password-not-match', code: PNM, lang: 'th', brand: 'lazada', layout: 'toast', title: 'เกิดข้อผิดพลาด', lines: [`${PNM}`] },
  { name: 'browser-pnm-json-en', topic: 'lazada-password-not-match', code: PNM, lang: 'en', brand: 'browser', layout: 'page', title: 'Lazada Open Platform', lines: [`{"code":"${PNM}","type":"ISP","message":"password not match","request_id":"2101e4c917"}`] },
  // The password shown in clear (the eye pressed): it must be blacked out in the kept picture.
  { name: 'lazada-login-shown-en', topic: 'lazada-password-not-match', code: PNM, lang: 'en', brand: 'lazada', layout: 'page', title: 'Log in to Lazada', secret: 'Sunflower#2020', lines: [`Error: ${PNM}`, 'Email: ploy.shop@gmail.com', 'Password: Sunflower#2020'] },
  { name: 'lazada-ide-modal-th', topic: 'lazada-internal-data-error', code: IDE, lang: 'th', brand: 'lazada', layout: 'modal', title: 'เชื่อมต่อร้านค้าไม่สำเร็จ', lines: [`Error: ${IDE}`, 'ระบบขัดข้อง กรุณาลองใหม่ภายหลัง'] },
  { name: 'lazada-ide-modal-en', topic: 'lazada-internal-data-error', code: IDE, lang: 'en', brand: 'lazada', layout: 'modal', title: 'Authorization failed', lines: [IDE, 'Something went wrong. Please try again later.'] },
  { name: 'bigseller-ide-page-th', topic: 'lazada-internal-data-error', code: IDE, lang: 'th', brand: 'bigseller', layout: 'page', title: 'การอนุญาตร้านค้าล้มเหลว', lines: [`Lazada: ${IDE}`, 'ร้าน: gadget.home (TH)', 'กรุณาลองใหม่อีกครั้ง'] },
  { name: 'bigseller-ide-page-en', topic: 'lazada-internal-data-error', code: IDE, lang: 'en', brand: 'bigseller', layout: 'page', title: 'Store authorization failed', lines: [`Lazada error code: ${IDE}`, 'Store: gadget.home (TH)', 'Please try again.'] },
  { name: 'lazada-ide-toast-th', topic: 'lazada-internal-data-error', code: IDE, lang: 'th', brand: 'lazada', layout: 'toast', title: 'เกิดข้อผิดพลาด', lines: [`${IDE}`] },
  { name: 'browser-ide-json-en', topic: 'lazada-internal-data-error', code: IDE, lang: 'en', brand: 'browser', layout: 'page', title: 'Lazada Open Platform', lines: [`{"code":"${IDE}","type":"ISP","message":"internal data error","request_id":"2140e3a817"}`] },
];

/** Pictures with a message and no code, and pictures that show no problem at all. */
const WITH_WORDS: Content[] = [
  { name: 'bigseller-expired-th', topic: 'connection-expired', lang: 'th', brand: 'bigseller', layout: 'page', title: 'ร้านค้าของฉัน', lines: ['Shopee · ploy.shop', 'สถานะ: การอนุญาตหมดอายุ', 'กรุณาอนุญาตร้านค้าใหม่'] },
  { name: 'bigseller-expired-en', topic: 'connection-expired', lang: 'en', brand: 'bigseller', layout: 'page', title: 'My stores', lines: ['TikTok Shop · gadget.home', 'Status: Authorization expired', 'Please re-authorize the store'] },
  { name: 'tiktok-renew-th', topic: 'tiktok-renew-authorization', lang: 'th', brand: 'tiktok', layout: 'modal', title: 'การอนุญาตหมดอายุ', lines: ['การอนุญาตแอป BigSeller ของร้าน TikTok Shop หมดอายุแล้ว', 'กรุณาอนุญาตใหม่อีกครั้ง'] },
  { name: 'shopee-yearly-en', topic: 'shopee-authorization-yearly', lang: 'en', brand: 'shopee', layout: 'modal', title: 'Authorization expired', lines: ['Your shop authorization for BigSeller has expired.', 'Shopee authorization is valid for 1 year. Please authorize again.'] },
  { name: 'facebook-token-en', topic: 'facebook-page-token', lang: 'en', brand: 'facebook', layout: 'toast', title: 'Page connection lost', lines: ['Error validating access token: The session has been invalidated because the user changed their password.'] },
  { name: 'shopify-uninstalled-en', topic: 'shopify-app-uninstalled', lang: 'en', brand: 'shopify', layout: 'page', title: 'Apps', lines: ['BigSeller was uninstalled from your store.', 'Orders will no longer sync until the app is installed again.'] },
  { name: 'shopify-frozen-en', topic: 'shopify-store-frozen', lang: 'en', brand: 'shopify', layout: 'page', title: 'Your store is frozen', lines: ['Your store has been frozen because of an outstanding bill.', 'Pay your bill to unfreeze your store.'] },
  { name: 'woo-forbidden-en', topic: 'woocommerce-rest-blocked', lang: 'en', brand: 'browser', layout: 'page', title: '403 Forbidden', lines: ['Access to /wp-json/ was denied by the security plugin.', 'REST API is disabled for this site.'] },
  { name: 'woo-key-en', topic: 'woocommerce-api-key', lang: 'en', brand: 'browser', layout: 'page', title: 'WooCommerce REST API', lines: ['{"code":"woocommerce_rest_authentication_error","message":"Consumer key is invalid.","data":{"status":401}}'] },
  { name: 'bigseller-bound-th', topic: 'store-bound-other-account', lang: 'th', brand: 'bigseller', layout: 'modal', title: 'อนุญาตร้านค้าไม่สำเร็จ', lines: ['ร้านค้านี้ถูกผูกกับบัญชี BigSeller อื่นแล้ว', 'กรุณายกเลิกการผูกจากบัญชีเดิมก่อน'] },
  { name: 'bigseller-nickname-th', topic: 'store-nickname-duplicate', lang: 'th', brand: 'bigseller', layout: 'modal', title: 'บันทึกไม่สำเร็จ', lines: ['ชื่อเล่นร้านค้านี้มีอยู่แล้ว', 'กรุณาตั้งชื่อเล่นร้านค้าใหม่'] },
  { name: 'shopee-otp-th', topic: 'shopee-otp-not-received', lang: 'th', brand: 'shopee', layout: 'page', title: 'ยืนยันตัวตนด้วย OTP', lines: ['รหัส OTP ถูกส่งไปที่ 081-234-5678', 'ยังไม่ได้รับรหัส OTP? ส่งอีกครั้งใน 60 วินาที'] },
  { name: 'shopee-verify-th', topic: 'shopee-identity-verification', lang: 'th', brand: 'shopee', layout: 'modal', title: 'ต้องยืนยันตัวตน', lines: ['กรุณายืนยันตัวตนของเจ้าของร้านก่อนดำเนินการต่อ', 'อัปโหลดบัตรประชาชนเพื่อยืนยันตัวตน'] },
  { name: 'bigseller-orders-th', topic: 'none', lang: 'th', brand: 'bigseller', layout: 'page', title: 'ภาพรวม', lines: ['ยอดขายวันนี้ ฿12,450', 'คำสั่งซื้อที่รอจัดส่ง 8'] },
  { name: 'shopee-product-en', topic: 'none', lang: 'en', brand: 'shopee', layout: 'page', title: 'My Products', lines: ['Cotton T-shirt (white) ฿199', 'Stock 42 · Sold 318'] },
];

const CODE_LOOKS = [
  ['phone', 'dark'],
  ['turned', 'laptop'],
  ['cropped', 'phone'],
] as const;
const WORD_LOOKS = ['phone', 'dark', 'turned'] as const;

function shot(c: Content, look: Look): Shot {
  const { name: _name, ...size } = look;
  return { id: `${c.name}--${look.name}`, topic: c.topic, ...(c.code ? { code: c.code } : {}), ...(c.secret ? { secret: c.secret } : {}), lang: c.lang, looks: look.name, html: html(c), ...size };
}

export const PAGES: Shot[] = [
  ...WITH_CODES.flatMap((c, i) => CODE_LOOKS[i % CODE_LOOKS.length]!.map((l) => shot(c, LOOKS[l]!))),
  ...WITH_WORDS.flatMap((c, i) => [shot(c, LOOKS[WORD_LOOKS[i % WORD_LOOKS.length]!]!), ...(i % 2 === 0 ? [shot(c, LOOKS.cropped!)] : [])]),
];
