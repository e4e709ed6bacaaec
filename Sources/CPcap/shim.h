// Exposes the system libpcap to Swift. Debian: apt-get install libpcap-dev.
#ifndef ATTRACE_CPCAP_SHIM_H
#define ATTRACE_CPCAP_SHIM_H
#include <pcap/pcap.h>
#include <stdio.h>
#endif
