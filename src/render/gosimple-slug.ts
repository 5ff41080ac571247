/**
 * gosimple/slug v1.15 `Make` (the `slugify` of Argo CD ApplicationSets and of Flux Operator ResourceSets): trimmed,
 * `&` as `and` and `@` as `at`, transliterated to ASCII, lower case, every character outside `[a-zA-Z0-9-_]` a `-`,
 * runs of `-` folded, `-` and `_` trimmed from the ends, then cut to `maxLength`: at the last `-` at or before it
 * when `smart`, else before the characters are replaced (as the library does).
 *
 * Transliteration is gosimple/unidecode's table in Go; here a letter with marks loses them (NFKD), the Latin
 * letters without a decomposition (`ł`, `ø`, `æ`, `ß`, ...) are spelled as unidecode spells them, and anything else
 * outside ASCII becomes `-`: the same for Latin text, not for other scripts or symbols (`€`, CJK). Hand-written: the
 * function is a dozen lines and no npm package reproduces this library's rules.
 */
const LATIN: Record<string, string> = { ł: 'l', Ł: 'L', ø: 'o', Ø: 'O', æ: 'ae', Æ: 'AE', œ: 'oe', Œ: 'OE', ß: 'ss', đ: 'd', Đ: 'D', ð: 'd', Ð: 'D', þ: 'th', Þ: 'TH', ı: 'i' };

export function slugMake(text: string, maxLength: number, smart: boolean): string {
  let slug = text.trim().replace(/[&@]/g, (c) => (c === '&' ? 'and' : 'at'));
  slug = slug
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[łŁøØæÆœŒßđĐðÐþÞı]/g, (c) => LATIN[c]);
  slug = slug.toLowerCase();
  if (!smart && slug.length >= maxLength) slug = slug.slice(0, maxLength);
  slug = slug
    .replace(/[^a-zA-Z0-9\-_]/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '');
  if (maxLength > 0 && smart && slug.length > maxLength) {
    for (let i = maxLength; i >= 0; i--) if (slug[i] === '-') return slug.slice(0, i);
    return slug.slice(0, maxLength);
  }
  return slug;
}
