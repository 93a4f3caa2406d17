/* The inputs shared by gen_rsc.h (Debian's libraries) and
 * tests/unit/fo_msg.c (failoverd's builders) for the rsc_* golden
 * messages: signed "1 sha1 secret", from node1 to node2. */
#ifndef FO_GOLDEN_RSC_CASES_H
#define FO_GOLDEN_RSC_CASES_H

#define RSC_SRC "node1"
#define RSC_DEST "node2"
#define RSC_UUID "\xa0\xa1\xa2\xa3\xa4\xa5\xa6\xa7\xa8\xa9\xaa\xab\xac\xad\xae\xaf"
#define RSC_HG "4b"
#define RSC_TS "65a1b2c3"
#define RSC_LD "0.00 0.01 0.05 1/123 4567"
#define RSC_TTL "3"
#define RSC_KEY "IPaddr2::10.77.0.100/24/eth0"

#endif
