/**
 * What the password rules and the OTP rules both read around a label: the Thai compounds of
 * "รหัส" that name another code, the verbs of a code a screen shows, and how far a label reaches.
 */

// Thai "รหัส" is "code" as much as "password": these compounds are other codes, not secrets
// (error code, SKU, postcode, order, parcel and shop ids, discount codes), or a complaint ("รหัสไม่ถูก").
export const NOT_A_SECRET_CODE = String.raw`(?!\s*(?:ข้อผิดพลาด|error|สินค้า|ไปรษณีย์|คำสั่งซื้อ|ออเดอร์|order|ร้าน|ไม่|ผิด|พัสดุ|ติดตาม|tracking|sku|product|item|partner|merchant|client|member|จัดส่ง|ขนส่ง|คลัง|บาร์โค้ด|barcode|สาขา|ลูกค้า|สมาชิก|พนักงาน|ส่วนลด|โปร|คูปอง|coupon|voucher|promo|ภาษี|สี|รุ่น|ประเทศ))`;
// "ขึ้นรหัส 500100", "Shopify ตอบรหัส 402": the code a screen shows or an API answers is an error code.
export const SHOWN = String.raw`(?<!(?:ขึ้น|ตอบ)\s{0,2})`;
// How far a label reaches in its sentence: what may stand between a password label and the
// separator, a few words ("รหัสผ่านของร้านคือ ...", "password for lazada is ..."), and how much
// of the clause before a number the OTP rules read.
export const CLAUSE_GAP = 40;
