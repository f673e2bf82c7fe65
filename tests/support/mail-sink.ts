/**
 * A real SMTP server for tests (smtp-server), keeping every message it receives, with a small
 * HTTP API to read them: GET /messages?to=ADDRESS → [{to, subject, text}], newest last.
 * Used as a Playwright web server and by integration tests (startMailSink).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export type ReceivedMail = {
  to: string[];
  subject: string;
  text: string;
  headers: Record<string, string>;
  rawHeaders: Record<string, string>;
};

export async function startMailSink(smtpPort = 0) {
  const messages: ReceivedMail[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          messages.push({
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase()),
            subject: mail.subject ?? "",
            text: mail.text ?? "",
            headers: Object.fromEntries(
              [...mail.headers].map(([key, value]) => [key, String(value)]),
            ),
            // each header as sent (unfolded): mailparser turns List-* headers into objects
            rawHeaders: Object.fromEntries(
              mail.headerLines.map((line) => [
                line.key,
                line.line.replace(/\r?\n\s+/g, " ").replace(/^[^:]+:\s*/, ""),
              ]),
            ),
          });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(smtpPort, "127.0.0.1", resolve));
  const port = (smtp.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    messagesTo: (address: string) =>
      messages.filter((mail) => mail.to.includes(address.toLowerCase())),
    close: () => new Promise<void>((resolve) => smtp.close(() => resolve())),
  };
}

// Run directly (Playwright webServer): SMTP on MAIL_SINK_SMTP_PORT, HTTP on MAIL_SINK_HTTP_PORT.
if (process.argv[1]?.endsWith("mail-sink.ts")) {
  const sink = await startMailSink(Number(process.env.MAIL_SINK_SMTP_PORT ?? 2525));
  http
    .createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://localhost");
      if (url.pathname === "/health") return void res.end("ok");
      if (url.pathname !== "/messages") return void res.writeHead(404).end();
      const to = url.searchParams.get("to");
      res.setHeader("Content-Type", "application/json");
      res.end(JSON.stringify(to ? sink.messagesTo(to) : sink.messages));
    })
    .listen(Number(process.env.MAIL_SINK_HTTP_PORT ?? 2580), "127.0.0.1");
}
