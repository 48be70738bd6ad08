import type { FastifyReply } from 'fastify';

/** What a host that names no live site of the platform gets, for every path (no themed page: there is no site). */
export const UNKNOWN_HOST_PAGE = `<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="robots" content="noindex"><title>站点不存在 Site not found</title></head>
<body><h1>站点不存在</h1><p>本平台没有与此域名对应的网站，请检查网址。</p>
<h1 lang="en">Site not found</h1><p lang="en">No website on this platform answers to this host name. Please check the address.</p></body></html>`;

/** The plain 404 of an unknown host (or one whose sites are all closed or provisioning). */
export function sendUnknownHost(reply: FastifyReply) {
  return reply.code(404).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(UNKNOWN_HOST_PAGE);
}
