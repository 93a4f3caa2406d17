// SPDX-License-Identifier: GPL-2.0
/*
 * The Debian servers unit_hd_proto1 checks, each with a throwaway
 * configuration in p_dir, on 127.0.0.1 of the test's namespace:
 * dnsmasq (dns over UDP and TCP), OpenSMTPD (smtp), dovecot (imap, imaps,
 * pop3, pop3s; a passwd-file user alice/secret, a self-signed
 * certificate), vsftpd (anonymous, one file), kamailio (sip over UDP
 * and TCP: OPTIONS answered 200, 503 for the user "down") and nginx
 * (http: a page and a virtual host; https with dovecot's certificate; a
 * forward proxy in front of its own http server, for http_proxy).  dnsmasq and
 * kamailio listen on ::1 too: dns and sip are among the services
 * ldirectord checks over IPv6.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hd_proto1.h"

static int p_started(void **state, pid_t pid)
{
	*state = (void *)(intptr_t)pid;
	return pid > 0 ? 0 : -1;
}

int p_server_stop(void **state)
{
	p_kill((pid_t)(intptr_t)*state);
	return 0;
}

int p_dnsmasq_start(void **state)
{
	char port[16], pid[128], hosts[128];
	FILE *f;

	/* 40 addresses for big.example.test: more than 512 bytes, so the
	 * UDP answer (no EDNS asked, as Net::DNS) is truncated. */
	snprintf(hosts, sizeof(hosts), "%s/big.hosts", p_dir);
	f = fopen(hosts, "w");
	if (!f)
		return -1;
	for (int i = 1; i <= 40; i++)
		fprintf(f, "10.9.0.%d big.example.test\n", i);
	fclose(f);
	snprintf(hosts, sizeof(hosts), "--addn-hosts=%s/big.hosts", p_dir);
	snprintf(port, sizeof(port), "--port=%d", P_DNS_PORT);
	snprintf(pid, sizeof(pid), "--pid-file=%s/dnsmasq.pid", p_dir);
	char *argv[] = {
		"dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null",
		port, "--listen-address=127.0.0.1", "--listen-address=::1",
		"--bind-interfaces",
		"--no-resolv", "--no-hosts", "--user=root", "--group=root",
		pid, "--host-record=www.example.test,10.1.2.3", hosts,
		"--log-queries", "--log-facility=-", NULL };
	return p_started(state, p_spawn("dnsmasq", P_DNS_PORT, argv));
}

int p_smtpd_start(void **state)
{
	char conf[128];

	snprintf(conf, sizeof(conf), "%s/smtpd.conf", p_dir);
	p_file("smtpd.conf",
	       "listen on 127.0.0.1 port %d\n"
	       "action \"l\" mbox\n"
	       "match from any for local action \"l\"\n", P_SMTP_PORT);
	chmod(conf, 0600);
	char *argv[] = { "smtpd", "-d", "-f", conf, NULL };
	return p_started(state, p_spawn("smtpd", P_SMTP_PORT, argv));
}

static int p_sh(const char *fmt, const char *arg)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), fmt, arg, arg, arg);
	return system(cmd);
}

/* One dovecot: name.conf, its own run and state folders; mechs its
 * auth_mechanisms; services its protocols' listeners. */
static pid_t p_dovecot(const char *name, const char *protocols,
		       const char *mechs, const char *services, int port)
{
	char conf[128], path[160];

	snprintf(conf, sizeof(conf), "%s.conf", name);
	p_file(conf,
	       "base_dir = %1$s/%2$s-run\nstate_dir = %1$s/%2$s-state\n"
	       "log_path = %1$s/%2$s.log\nprotocols = %3$s\n"
	       "listen = 127.0.0.1\nssl = yes\n"
	       "ssl_cert = <%1$s/cert.pem\nssl_key = <%1$s/key.pem\n"
	       "disable_plaintext_auth = no\nauth_mechanisms = %4$s\n"
	       /* failed logins answered at once, never penalised */
	       "auth_failure_delay = 0\nlogin_trusted_networks = 127.0.0.0/8\n"
	       "service anvil {\n unix_listener anvil-auth-penalty {\n"
	       "  mode = 0\n }\n}\n"
	       "passdb {\n driver = passwd-file\n args = %1$s/passwd\n}\n"
	       "userdb {\n driver = static\n"
	       " args = uid=nobody gid=nogroup home=%1$s/home/%%u\n}\n"
	       "mail_location = maildir:~/Maildir\n%5$s",
	       p_dir, name, protocols, mechs, services);
	snprintf(path, sizeof(path), "%s/%s", p_dir, conf);
	char *argv[] = { "dovecot", "-F", "-c", path, NULL };
	return p_spawn(name, port, argv);
}

#define P_POP3_LISTENER(port) \
	"service pop3-login {\n inet_listener pop3 {\n  port = " #port \
	"\n }\n inet_listener pop3s {\n  port = 0\n }\n}\n"

/* Three dovecots: imap, imaps, pop3, pop3s with "plain login" (so POP3
 * is USER/PASS); pop3 with CRAM-MD5 offered; pop3 with APOP (its
 * greeting has the <msg-id>). */
static pid_t p_dovecot_pids[3];

int p_dovecot_start(void **state)
{
	char services[512];

	(void)state;
	if (p_sh("openssl req -x509 -newkey ec -pkeyopt "
		 "ec_paramgen_curve:prime256v1 -nodes -subj /CN=hdtest "
		 "-days 2 -keyout %s/key.pem -out %s/cert.pem 2>/dev/null &&"
		 " mkdir -m 777 %s/home", p_dir) != 0)
		return -1;
	p_file("passwd", "alice:{PLAIN}secret::::::nodelay=yes\n");
	snprintf(services, sizeof(services),
		 "service imap-login {\n"
		 " inet_listener imap {\n  port = %d\n }\n"
		 " inet_listener imaps {\n  port = %d\n  ssl = yes\n }\n}\n"
		 "service pop3-login {\n"
		 " inet_listener pop3 {\n  port = %d\n }\n"
		 " inet_listener pop3s {\n  port = %d\n  ssl = yes\n }\n}\n",
		 P_IMAP_PORT, P_IMAPS_PORT, P_POP_PORT, P_POPS_PORT);
	p_dovecot_pids[0] = p_dovecot("dovecot", "imap pop3", "plain login",
				      services, P_POPS_PORT);
	p_dovecot_pids[1] = p_dovecot("dovecot-cram", "pop3",
				      "plain login cram-md5",
				      P_POP3_LISTENER(10111), P_POP_CRAM_PORT);
	p_dovecot_pids[2] = p_dovecot("dovecot-apop", "pop3",
				      "plain login apop",
				      P_POP3_LISTENER(10112), P_POP_APOP_PORT);
	for (int i = 0; i < 3; i++)
		if (p_dovecot_pids[i] <= 0)
			return -1;
	return 0;
}

int p_dovecot_stop(void **state)
{
	(void)state;
	for (int i = 0; i < 3; i++)
		p_kill(p_dovecot_pids[i]);
	return 0;
}

int p_vsftpd_start(void **state)
{
	char conf[128];

	if (p_sh("mkdir -p %s/ftp %s/empty && chmod 755 %s/ftp", p_dir) != 0)
		return -1;
	p_file("ftp/check.txt", "hello from vsftpd\n");
	p_file("vsftpd.conf",
	       "listen=YES\nlisten_ipv6=NO\nlisten_address=127.0.0.1\n"
	       "listen_port=%2$d\nanonymous_enable=YES\nno_anon_password=YES\n"
	       "anon_root=%1$s/ftp\nlocal_enable=NO\nwrite_enable=NO\n"
	       "pasv_enable=YES\nseccomp_sandbox=NO\nbackground=NO\n"
	       "secure_chroot_dir=%1$s/empty\nxferlog_enable=NO\n",
	       p_dir, P_FTP_PORT);
	snprintf(conf, sizeof(conf), "%s/vsftpd.conf", p_dir);
	char *argv[] = { "vsftpd", conf, NULL };
	return p_started(state, p_spawn("vsftpd", P_FTP_PORT, argv));
}

int p_kamailio_start(void **state)
{
	char conf[128], pid[128], run[128];

	p_file("kamailio.cfg",
	       "#!KAMAILIO\ndebug=1\nlog_stderror=yes\nchildren=1\n"
	       "tcp_children=1\nlisten=udp:127.0.0.1:%1$d\n"
	       "listen=tcp:127.0.0.1:%1$d\nlisten=udp:[::1]:%1$d\n"
	       "listen=tcp:[::1]:%1$d\n"
	       "loadmodule \"sl.so\"\nloadmodule \"pv.so\"\n"
	       "request_route {\n"
	       "\tif ($rU == \"down\") {\n"
	       "\t\tsl_send_reply(\"503\", \"Service Unavailable\");\n"
	       "\t\texit;\n\t}\n"
	       "\tif ($rm == \"OPTIONS\") {\n"
	       "\t\tsl_send_reply(\"200\", \"OK\");\n\t\texit;\n\t}\n"
	       "\tsl_send_reply(\"405\", \"Method Not Allowed\");\n}\n",
	       P_SIP_PORT);
	snprintf(conf, sizeof(conf), "%s/kamailio.cfg", p_dir);
	snprintf(pid, sizeof(pid), "%s/kamailio.pid", p_dir);
	snprintf(run, sizeof(run), "%s/krun", p_dir);
	if (p_sh("mkdir -p %s/krun", p_dir) != 0)
		return -1;
	char *argv[] = { "kamailio", "-f", conf, "-DD", "-E", "-P", pid,
			 "-Y", run, "-m", "16", "-M", "4", NULL };
	return p_started(state, p_spawn("kamailio", P_SIP_PORT, argv));
}

/* All of them, for the one group (tests/run reads one cmocka summary). */
/* nginx: http on P_HTTP_PORT (www.example.test, the default, and
 * vhost.test with a page of its own), https on P_HTTPS_PORT, and a forward
 * proxy on P_PROXY_PORT that asks the http server with the URL's host. */
int p_nginx_start(void **state)
{
	char conf[128], err[128];

	if (p_sh("mkdir -p %s/www %s/vhost", p_dir) != 0)
		return -1;
	p_file("www/index.html", "<html>Test Page of nginx</html>\n");
	p_file("vhost/index.html", "<html>Virtual Page</html>\n");
	p_file("nginx.conf",
	       "daemon off;\nmaster_process off;\nuser root;\n"
	       "pid %s/nginx.pid;\nerror_log %s/nginx.err info;\n"
	       "events { worker_connections 64; }\n"
	       "http {\n access_log off;\n"
	       " client_body_temp_path %s/nb; proxy_temp_path %s/np;\n"
	       " fastcgi_temp_path %s/nf; uwsgi_temp_path %s/nu; scgi_temp_path %s/ns;\n"
	       " server { listen 127.0.0.1:%d default_server; server_name www.example.test;"
	       " root %s/www; }\n"
	       " server { listen 127.0.0.1:%d; server_name vhost.test; root %s/vhost; }\n"
	       " server { listen 127.0.0.1:%d ssl; ssl_certificate %s/cert.pem;"
	       " ssl_certificate_key %s/key.pem; root %s/www; }\n"
	       " server { listen 127.0.0.1:%d; location / {"
	       " proxy_pass http://127.0.0.1:%d; proxy_set_header Host $host; } }\n"
	       "}\n", p_dir, p_dir, p_dir, p_dir, p_dir, p_dir, p_dir,
	       P_HTTP_PORT, p_dir, P_HTTP_PORT, p_dir, P_HTTPS_PORT, p_dir, p_dir,
	       p_dir, P_PROXY_PORT, P_HTTP_PORT);
	snprintf(conf, sizeof(conf), "%s/nginx.conf", p_dir);
	snprintf(err, sizeof(err), "%s/nginx.err", p_dir);
	char *argv[] = { "nginx", "-p", p_dir, "-e", err, "-c", conf, NULL };
	return p_started(state, p_spawn("nginx", P_PROXY_PORT, argv));
}

static void *p_pid_slots[5];

int p_servers_start(void **state)
{
	(void)state;
	if (p_dnsmasq_start(&p_pid_slots[0]) ||
	    p_smtpd_start(&p_pid_slots[1]) ||
	    p_vsftpd_start(&p_pid_slots[2]) ||
	    p_kamailio_start(&p_pid_slots[3]) || p_dovecot_start(NULL) ||
	    p_nginx_start(&p_pid_slots[4]))     /* after dovecot's certificate */
		return -1;
	return 0;
}

int p_servers_stop(void **state)
{
	(void)state;
	for (int i = 0; i < 5; i++)
		p_server_stop(&p_pid_slots[i]);
	return p_dovecot_stop(NULL);
}
