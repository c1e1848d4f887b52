"""What the server refuses, known before apply, is a `csiac validate` error quoting the server's own words.

Every precondition of ../shared/cloudstack-api/preconditions-4.18.md is classified here: ``validated`` (a
case below breaks it and validate reports the server's text, naming the resource and argument), ``ordered``
(the plan's step order or the provider's calls satisfy it: children deleted first, maintenance before deletion, ...), ``live``
(only the cloud knows: ids, objects outside the configuration, VMs and volumes, the caller's role; left to
plan --rehearse and apply) or ``unknowable`` (a server-internal failure). The counts can only get better.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.cli import csiac
from tests.conformance.tables import preconditions
from tests.fixtures import ZONE_HCL as BASE

ADD = ""  # an edit with this "old" text appends "new" to the base configuration


def _res(kind: str, name: str, body: str) -> str:
    return f'resource "{kind}" "{name}" {{\n{body}\n}}\n'


BASIC = _res("cloudstack_zone", "b", '  name = "b1"\n  network_type = "Basic"\n  dns1 = "8.8.8.8"\n  internal_dns1 = "10.0.0.2"')
SG = _res("cloudstack_zone", "sg", '  name = "sg1"\n  network_type = "Advanced"\n  security_group_enabled = true\n'
                                   '  dns1 = "8.8.8.8"\n  internal_dns1 = "10.0.0.2"')
STORAGE_TRAFFIC = _res("cloudstack_traffic_type", "st", '  physical_network_id = cloudstack_physical_network.pn.id\n  traffic_type = "Storage"')

# precondition id -> (old text of the base configuration, its replacement, the server's text the error quotes)
VALIDATED: dict[str, tuple[str, str, str]] = {
    "createZone: Invalid zone type; only Advanced and Basic values are supported":
        ('network_type     = "Advanced"', 'network_type = "Flat"', "Invalid zone type; only Advanced and Basic values are supported"),
    "createZone: guestCidrAddress parameter is not supported for Basic zone":
        (ADD, BASIC.replace('"Basic"', '"Basic"\n  guest_cidr_address = "10.1.1.0/24"'), "guestCidrAddress parameter is not supported for Basic zone"),
    "createZone: Please enter a valid guest cidr":
        ('allocation_state = "Enabled"', 'allocation_state = "Enabled"\n  guest_cidr_address = "10.1.1.0"', "Please enter a valid guest cidr"),
    "createZone: Invalid network domain. Total length shouldn't exceed 190 chars. Each domain label must be between 1 and 63 "
    "characters long, can contain ASCII letters 'a' through 'z', the digits '0' through '9', and the hyphen ('-'); can't start or "
    'end with "-"':
        ('allocation_state = "Enabled"', 'allocation_state = "Enabled"\n  domain = "-bad.example"', "Invalid network domain. Total length"),
    "createZone: A zone with that name already exists. Please specify a unique zone name.":
        (ADD, _res("cloudstack_zone", "z2", '  name = "Z1"\n  network_type = "Advanced"\n  dns1 = "8.8.8.8"\n  internal_dns1 = "10.0.0.2"'),
         "A zone with that name already exists. Please specify a unique zone name."),
    "createZone: Please enter a valid IP address for DNS1": ('dns1             = "8.8.8.8"', 'dns1 = "8.8.8"', "Please enter a valid IP address for DNS1"),
    "createZone: Please enter a valid IP address for DNS2":
        ('dns1             = "8.8.8.8"', 'dns1 = "8.8.8.8"\n  dns2 = "2001:db8::1"', "Please enter a valid IP address for DNS2"),
    "createZone: Please enter a valid IP address for internal DNS1":
        ('internal_dns1    = "10.0.0.2"', 'internal_dns1 = "dns.local"', "Please enter a valid IP address for internal DNS1"),
    "createZone: Please enter a valid IP address for internal DNS2":
        ('internal_dns1    = "10.0.0.2"', 'internal_dns1 = "10.0.0.2"\n  internal_dns2 = "10.0.0.300"',
         "Please enter a valid IP address for internal DNS2"),
    "createZone: Please enter a valid IPv6 address for IP6 DNS1":
        ('dns1             = "8.8.8.8"', 'dns1 = "8.8.8.8"\n  ip6_dns1 = "8.8.4.4"', "Please enter a valid IPv6 address for IP6 DNS1"),
    "createZone: Please enter a valid IPv6 address for IP6 DNS2":
        ('dns1             = "8.8.8.8"', 'dns1 = "8.8.8.8"\n  ip6_dns2 = "fe80::zz"', "Please enter a valid IPv6 address for IP6 DNS2"),
    "createZone: Unable to resolve Allocation State '{allocationstate}' to a supported state":
        ('allocation_state = "Enabled"', 'allocation_state = "Open"', "Unable to resolve Allocation State 'Open' to a supported state"),
    "updateZone: Cannot enable this Zone since: {inner}":
        ('toset(["Management", "Guest", "Public"])', 'toset(["Management", "Guest"])', "Cannot enable this Zone since: {reason}"),
    "createPod: The start IP is invalid": ('start_ip = "10.1.0.10"', 'start_ip = "10.1.0.x"', "The start IP is invalid"),
    "createPod: The end IP is invalid": ('end_ip   = "10.1.0.20"', 'end_ip = "10.1.0.256"', "The end IP is invalid"),
    "createPod: The gateway is invalid": ('gateway  = "10.1.0.1"', 'gateway = "gw"', "The gateway is invalid"),
    "createPod: The netmask is invalid": ('netmask  = "255.255.255.0"', 'netmask = "255.0.255.0"', "The netmask is invalid"),
    "createPod: A pod with name: {name} already exists in zone {zoneDbId}. Please specify a different pod name. ":
        (ADD, _res("cloudstack_pod", "p2", '  name = "p1"\n  zone_id = cloudstack_zone.z.id\n  gateway = "10.2.0.1"\n'
                                           '  netmask = "255.255.255.0"\n  start_ip = "10.2.0.10"'),
         "A pod with name: p1 already exists in zone {zoneDbId}. Please specify a different pod name. "),
    "createPod: The start address of the IP range is not in the CIDR subnet.":
        ('start_ip = "10.1.0.10"', 'start_ip = "10.9.0.10"', "The start address of the IP range is not in the CIDR subnet."),
    "createPod: The start IP address must have a lower value than the end IP address.":
        ('start_ip = "10.1.0.10"', 'start_ip = "10.1.0.30"', "The start IP address must have a lower value than the end IP address."),
    "createPod: The Start IP and endIP address range overlap with Public IP :{ip}":
        (ADD, _res("cloudstack_vlan_ip_range", "pub", '  zone_id = cloudstack_zone.z.id\n  vlan = "50"\n  gateway = "10.1.0.1"\n'
                                                      '  netmask = "255.255.255.0"\n  start_ip = "10.1.0.5"\n  end_ip = "10.1.0.12"'),
         "The Start IP and endIP address range overlap with Public IP :10.1.0.10"),
    "createPod: The gateway shouldn't overlap start/end ip addresses":
        ('gateway  = "10.1.0.1"', 'gateway = "10.1.0.15"', "The gateway shouldn't overlap start/end ip addresses"),
    "createPod: The subnet of the pod you are adding conflicts with the subnet of the Guest IP Network. Please specify a different CIDR.":
        ('allocation_state = "Enabled"', 'allocation_state = "Enabled"\n  guest_cidr_address = "10.1.0.0/16"',
         "The subnet of the pod you are adding conflicts with the subnet of the Guest IP Network."),
    "createPod: The subnet of the pod you are adding conflicts with the subnet of pod {otherPodName} in zone {zoneName}. "
    "Please specify a different CIDR.":
        (ADD, _res("cloudstack_pod", "p2", '  name = "p2"\n  zone_id = cloudstack_zone.z.id\n  gateway = "10.1.0.129"\n'
                                           '  netmask = "255.255.255.128"\n  start_ip = "10.1.0.140"'),
         "The subnet of the pod you are adding conflicts with the subnet of pod p1 in zone"),
    "createVlanIpRange: Account name should not be provided when ForSystemVMs is enabled":
        (ADD, _res("cloudstack_vlan_ip_range", "pub", '  zone_id = cloudstack_zone.z.id\n  vlan = "50"\n  gateway = "192.0.2.1"\n'
                                                      '  netmask = "255.255.255.0"\n  start_ip = "192.0.2.10"\n  for_system_vms = true\n'
                                                      '  account = "admin"\n  domain_id = "3c8ed1a6-7c6a-4d7f-9a5b-0c1d2e3f4a5b"'),
         "Account name should not be provided when ForSystemVMs is enabled"),
    "createVlanIpRange: StartIP or IPv6 CIDR is missing in the parameters!":
        (ADD, _res("cloudstack_vlan_ip_range", "pub", '  zone_id = cloudstack_zone.z.id\n  vlan = "50"'),
         "StartIP or IPv6 CIDR is missing in the parameters!"),
    "createVlanIpRange: For IPv6 range, prefix must be /64 or less":
        (ADD, _res("cloudstack_vlan_ip_range", "pub", '  zone_id = cloudstack_zone.z.id\n  vlan = "50"\n  ip6_gateway = "2001:db8::1"\n'
                                                      '  ip6_cidr = "2001:db8::/80"'), "For IPv6 range, prefix must be /64 or less"),
    "createVlanIpRange: Account and projectId are mutually exclusive":
        (ADD, _res("cloudstack_vlan_ip_range", "pub", '  zone_id = cloudstack_zone.z.id\n  vlan = "50"\n  gateway = "192.0.2.1"\n'
                                                      '  netmask = "255.255.255.0"\n  start_ip = "192.0.2.10"\n  account = "a"\n'
                                                      '  project_id = "3c8ed1a6-7c6a-4d7f-9a5b-0c1d2e3f4a5b"'),
         "Account and projectId are mutually exclusive"),
    "createVlanIpRange: Physical Network Id is null, please provide the Network id for Direct vlan creation ":
        (ADD, _res("cloudstack_vlan_ip_range", "direct", '  zone_id = cloudstack_zone.z.id\n  vlan = "60"\n  gateway = "192.0.2.1"\n'
                                                         '  netmask = "255.255.255.0"\n  start_ip = "192.0.2.10"\n  for_virtual_network = false'),
         "Physical Network Id is null, please provide the Network id for Direct vlan creation "),
    "createVlanIpRange: Can't add virtual ip range into a zone with security group enabled":
        (ADD, SG + _res("cloudstack_vlan_ip_range", "pub", '  zone_id = cloudstack_zone.sg.id\n  vlan = "50"\n  gateway = "192.0.2.1"\n'
                                                           '  netmask = "255.255.255.0"\n  start_ip = "192.0.2.10"'),
         "Can't add virtual ip range into a zone with security group enabled"),
    "createVlanIpRange: either both netmask and gateway should be passed or both should me omited.":
        (ADD, _res("cloudstack_vlan_ip_range", "pub", '  zone_id = cloudstack_zone.z.id\n  vlan = "50"\n  gateway = "192.0.2.1"\n'
                                                      '  start_ip = "192.0.2.10"'),
         "either both netmask and gateway should be passed or both should me omited."),
    "createVlanIpRange: The gateway ip should not be the part of the ip range being added.":
        (ADD, _res("cloudstack_vlan_ip_range", "pub", '  zone_id = cloudstack_zone.z.id\n  vlan = "50"\n  gateway = "192.0.2.20"\n'
                                                      '  netmask = "255.255.255.0"\n  start_ip = "192.0.2.10"\n  end_ip = "192.0.2.30"'),
         "The gateway ip should not be the part of the ip range being added."),
    "createVlanIpRange: The Start IP and EndIP address range overlap with private IP :{start}:{end}":
        (ADD, _res("cloudstack_vlan_ip_range", "pub", '  zone_id = cloudstack_zone.z.id\n  vlan = "50"\n  gateway = "10.1.0.1"\n'
                                                      '  netmask = "255.255.255.0"\n  start_ip = "10.1.0.15"\n  end_ip = "10.1.0.40"'),
         "The Start IP and EndIP address range overlap with private IP :10.1.0.10:10.1.0.20"),
    "createVlanIpRange: Pod id can be specified only for the networks of type Guest in zone of type Basic":
        (ADD, _res("cloudstack_vlan_ip_range", "pub", '  zone_id = cloudstack_zone.z.id\n  pod_id = cloudstack_pod.p.id\n  vlan = "50"\n'
                                                      '  gateway = "192.0.2.1"\n  netmask = "255.255.255.0"\n  start_ip = "192.0.2.10"\n'
                                                      '  for_virtual_network = false\n  physical_network_id = cloudstack_physical_network.pn.id'),
         "Pod id can be specified only for the networks of type Guest in zone of type Basic"),
    "createVlanIpRange: Vlan owner can be defined only in the zone of type Advanced":
        (ADD, BASIC + _res("cloudstack_vlan_ip_range", "guest", '  zone_id = cloudstack_zone.b.id\n  gateway = "192.0.2.1"\n'
                                                               '  netmask = "255.255.255.0"\n  start_ip = "192.0.2.10"\n  for_virtual_network = false\n'
                                                               '  domain_id = "3c8ed1a6-7c6a-4d7f-9a5b-0c1d2e3f4a5b"'),
         "Vlan owner can be defined only in the zone of type Advanced"),
    "createVlanIpRange: Please specify a valid gateway":
        (ADD, _res("cloudstack_vlan_ip_range", "pub", '  zone_id = cloudstack_zone.z.id\n  vlan = "50"\n  gateway = "192.0.2"\n'
                                                      '  netmask = "255.255.255.0"\n  start_ip = "192.0.2.10"'), "Please specify a valid gateway"),
    "createVlanIpRange: Gateway, netmask and zoneId have to be passed in for virtual and direct untagged networks":
        (ADD, _res("cloudstack_vlan_ip_range", "pub", '  zone_id = cloudstack_zone.z.id\n  vlan = "50"\n  ip6_cidr = "2001:db8::/64"\n'
                                                      '  start_ipv6 = "2001:db8::10"\n  end_ipv6 = "2001:db8::20"'),
         "Gateway, netmask and zoneId have to be passed in for virtual and direct untagged networks"),
    "createVlanIpRange: Please specify a valid IPv6 gateway":
        (ADD, _res("cloudstack_vlan_ip_range", "pub", '  zone_id = cloudstack_zone.z.id\n  vlan = "50"\n  ip6_gateway = "192.0.2.1"\n'
                                                      '  ip6_cidr = "2001:db8::/64"'), "Please specify a valid IPv6 gateway"),
    "createVlanIpRange: Please specify a valid IP range or valid netmask or valid gateway":
        (ADD, _res("cloudstack_vlan_ip_range", "pub", '  zone_id = cloudstack_zone.z.id\n  vlan = "50"\n  gateway = "192.0.2.1"\n'
                                                      '  netmask = "255.255.255.0"\n  start_ip = "198.51.100.10"'),
         "Please specify a valid IP range or valid netmask or valid gateway"),
    "createVlanIpRange: The IP range already has IPs that overlap with the new range. Please specify a different start IP/end IP.":
        (ADD, "".join(_res("cloudstack_vlan_ip_range", f"pub{i}", f'  zone_id = cloudstack_zone.z.id\n  vlan = "50"\n  gateway = "192.0.2.1"\n'
                                                                  f'  netmask = "255.255.255.0"\n  start_ip = "192.0.2.{10 + i * 5}"\n'
                                                                  f'  end_ip = "192.0.2.{20 + i * 5}"') for i in range(2)),
         "The IP range already has IPs that overlap with the new range. Please specify a different start IP/end IP."),
    "createVlanIpRange: The VLAN tag {vlanId} is already being used for dynamic vlan allocation for the guest network in zone {zoneName}":
        (ADD, _res("cloudstack_vlan_ip_range", "pub", '  zone_id = cloudstack_zone.z.id\n  vlan = "150"\n  gateway = "192.0.2.1"\n'
                                                      '  netmask = "255.255.255.0"\n  start_ip = "192.0.2.10"'),
         "The VLAN tag 150 is already being used for dynamic vlan allocation for the guest network in zone {zoneName}"),
    "createVlanIpRange: The IP range has already been added with gateway {gw} ,and netmask {nm}, Please specify the gateway/netmask "
    "if you want to extend ip range":
        (ADD, _res("cloudstack_vlan_ip_range", "pub1", '  zone_id = cloudstack_zone.z.id\n  vlan = "50"\n  gateway = "192.0.2.1"\n'
                                                       '  netmask = "255.255.255.0"\n  start_ip = "192.0.2.10"\n  end_ip = "192.0.2.20"')
         + _res("cloudstack_vlan_ip_range", "pub2", '  zone_id = cloudstack_zone.z.id\n  vlan = "50"\n  gateway = "192.0.2.129"\n'
                                                     '  netmask = "255.255.255.128"\n  start_ip = "192.0.2.140"\n  end_ip = "192.0.2.150"'),
         "The IP range has already been added with gateway 192.0.2.1 ,and netmask 255.255.255.0, Please specify the gateway/netmask"),
    "createVlanIpRange: The IP range with tag: {tag} in zone {zoneName} has overlapped with the subnet. Please specify a different gateway/netmask.":
        (ADD, "".join(_res("cloudstack_vlan_ip_range", f"pub{i}", f'  zone_id = cloudstack_zone.z.id\n  vlan = "{50 + i}"\n  gateway = "192.0.2.1"\n'
                                                                  f'  netmask = "255.255.255.0"\n  start_ip = "192.0.2.{10 + i * 20}"\n'
                                                                  f'  end_ip = "192.0.2.{20 + i * 20}"') for i in range(2)),
         "The IP range with tag: 50 in zone {zoneName} has overlapped with the subnet. Please specify a different gateway/netmask."),
    "addCluster: No enum constant …":
        ('cluster_name = "c1"', 'cluster_name = "c1"\n  cluster_type = "Managed"', "No enum constant com.cloud.org.Cluster.ClusterType.Managed"),
    "createPhysicalNetwork: Cannot add the physical network to basic zone id: {zoneId}, there is a physical network already existing "
    "in this basic Zone":
        (ADD, BASIC + "".join(_res("cloudstack_physical_network", f"bn{i}", f'  name = "bn{i}"\n  zone_id = cloudstack_zone.b.id\n'
                                                                            '  broadcast_domain_range = "POD"') for i in range(2)),
         "Cannot add the physical network to basic zone id: {zoneId}, there is a physical network already existing in this basic Zone"),
    "createPhysicalNetwork: Only one tag can be specified for a physical network at this time":
        ('vlan    = "100-200"', 'vlan = "100-200"\n  tags = ["a", "b"]', "Only one tag can be specified for a physical network at this time"),
    "createPhysicalNetwork: Only one isolationMethod can be specified for a physical network at this time":
        ('vlan    = "100-200"', 'vlan = "100-200"\n  isolation_methods = ["VLAN", "VXLAN"]',
         "Only one isolationMethod can be specified for a physical network at this time"),
    "createPhysicalNetwork: Can't add vnet range to the physical network in the Basic zone":
        (ADD, BASIC + _res("cloudstack_physical_network", "bn", '  name = "bn"\n  zone_id = cloudstack_zone.b.id\n'
                                                                '  broadcast_domain_range = "POD"\n  vlan = "100-200"'),
         "Can't add vnet range to the physical network in the Basic zone"),
    "createPhysicalNetwork: Unable to resolve broadcastDomainRange '{value}' to a supported value {Pod or Zone}":
        ('vlan    = "100-200"', 'vlan = "100-200"\n  broadcast_domain_range = "RACK"',
         "Unable to resolve broadcastDomainRange 'RACK' to a supported value {Pod or Zone}"),
    "createPhysicalNetwork: Basic zone can have broadcast domain type of value POD only":
        (ADD, BASIC + _res("cloudstack_physical_network", "bn", '  name = "bn"\n  zone_id = cloudstack_zone.b.id'),
         "Basic zone can have broadcast domain type of value POD only"),
    "createPhysicalNetwork: Advance zone can have broadcast domain type of value ZONE only":
        ('vlan    = "100-200"', 'vlan = "100-200"\n  broadcast_domain_range = "POD"', "Advance zone can have broadcast domain type of value ZONE only"),
    "updatePhysicalNetwork: Unable to resolve state '{state}' to a supported value {Enabled or Disabled}":
        ('vlan    = "100-200"', 'vlan = "100-200"\n  state = "Up"', "Unable to resolve state 'Up' to a supported value {Enabled or Disabled}"),
    "updatePhysicalNetwork: Please provide valid vnet range. vnet range should be a comma separated list of vlan ranges. "
    "example 500-500,600-601 between {min} and {max}":
        ('vlan    = "100-200"', 'vlan = "100-200,300"', "Please provide valid vnet range. vnet range should be a comma separated list"),
    "updatePhysicalNetwork: Please provide valid vnet range. The vnet range should be a comma separated list example 2001-2012,3000-3005. "
    "between {min} and {max}":
        ('vlan    = "100-200"', 'vlan = "100-2x0"', "Please provide valid vnet range. The vnet range should be a comma separated list example"),
    "updatePhysicalNetwork: Vnet range has to be between {min} and {max}":
        ('vlan    = "100-200"', 'vlan = "100-5000"', "Vnet range has to be between {min} and {max}"),
    "updatePhysicalNetwork: Vnet range has to be between {min} and {max} and start range should be lesser than or equal to stop range":
        ('vlan    = "100-200"', 'vlan = "200-100"', "start range should be lesser than or equal to stop range"),
    "addTrafficType: Unable to resolve trafficType '{value}' to a supported value":
        ('toset(["Management", "Guest", "Public"])', 'toset(["Management", "Guest", "Public", "Backup"])',
         "Unable to resolve trafficType 'Backup' to a supported value"),
    "addTrafficType: This physical network already supports the traffic type: {type}":
        (ADD, _res("cloudstack_traffic_type", "again", '  physical_network_id = cloudstack_physical_network.pn.id\n  traffic_type = "Guest"'),
         "This physical network already supports the traffic type: Guest"),
    "addTrafficType: Fail to add the traffic type to physical network because Zone already has a physical network with this traffic type: {type}":
        (ADD, _res("cloudstack_physical_network", "pn2", '  name = "pn2"\n  zone_id = cloudstack_zone.z.id\n  tags = ["b"]')
         + _res("cloudstack_traffic_type", "m2", '  physical_network_id = cloudstack_physical_network.pn2.id\n  traffic_type = "Management"'),
         "Zone already has a physical network with this traffic type: Management"),
    "addTrafficType: There are more than 1 physical network without tags in the zone= {zoneId}":
        (ADD, _res("cloudstack_physical_network", "pn2", '  name = "pn2"\n  zone_id = cloudstack_zone.z.id')
         + _res("cloudstack_traffic_type", "g2", '  physical_network_id = cloudstack_physical_network.pn2.id\n  traffic_type = "Guest"'),
         "There are more than 1 physical network without tags in the zone="),
    "addNetworkServiceProvider: Invalid Network Service Provider={name}":
        (ADD, _res("cloudstack_network_service_provider", "x", '  name = "Dnsmasq"\n  physical_network_id = cloudstack_physical_network.pn.id'),
         "Invalid Network Service Provider=Dnsmasq"),
    "updateNetworkServiceProvider: Updating the provider state to 'Shutdown' is not supported":
        (ADD, _res("cloudstack_network_service_provider", "vr", '  name = "VirtualRouter"\n  state = "Shutdown"\n'
                                                                '  physical_network_id = cloudstack_physical_network.pn.id'),
         "Updating the provider state to 'Shutdown' is not supported"),
    "addNetworkServiceProvider: The '{name}' provider already exists on physical network : {pnId}":
        (ADD, "".join(_res("cloudstack_network_service_provider", f"vr{i}", '  name = "VirtualRouter"\n'
                                                                            '  physical_network_id = cloudstack_physical_network.pn.id') for i in range(2)),
         "The 'VirtualRouter' provider already exists on physical network : {pnId}"),
    "createStorageNetworkIpRange: Invalid netmask:{netmask}":
        (ADD, _res("cloudstack_storage_network_ip_range", "s", '  pod_id = cloudstack_pod.p.id\n  gateway = "10.3.0.1"\n'
                                                               '  netmask = "255.0.255.0"\n  start_ip = "10.3.0.10"'), "Invalid netmask:255.0.255.0"),
    "createStorageNetworkIpRange: Cannot find storage network in zone {zoneId}":
        (ADD, _res("cloudstack_storage_network_ip_range", "s", '  pod_id = cloudstack_pod.p.id\n  gateway = "10.3.0.1"\n'
                                                               '  netmask = "255.255.255.0"\n  start_ip = "10.3.0.10"'),
         "Cannot find storage network in zone {zoneId}"),
    "createStorageNetworkIpRange: The Storage network Start IP and endIP address range overlap with private IP :{start}:{end}":
        (ADD, STORAGE_TRAFFIC + _res("cloudstack_storage_network_ip_range", "s", '  pod_id = cloudstack_pod.p.id\n  gateway = "10.1.0.1"\n'
                                                                                 '  netmask = "255.255.255.0"\n  start_ip = "10.1.0.15"\n  end_ip = "10.1.0.30"'),
         "The Storage network Start IP and endIP address range overlap with private IP :10.1.0.10:10.1.0.20"),
    "createStorageNetworkIpRange: The Storage network Start IP and endIP address range overlap with private IP :{start} - {end}":
        (ADD, STORAGE_TRAFFIC + "".join(_res("cloudstack_storage_network_ip_range", f"s{i}", '  pod_id = cloudstack_pod.p.id\n  gateway = "10.3.0.1"\n'
                                                                                         f'  netmask = "255.255.255.0"\n  start_ip = "10.3.0.{10 + i * 5}"\n'
                                                                                         f'  end_ip = "10.3.0.{20 + i * 5}"') for i in range(2)),
         "The Storage network Start IP and endIP address range overlap with private IP :10.3.0.10-10.3.0.20"),
    "addCluster: Please specify cluster name": ('cluster_name = "c1"', 'cluster_name = ""', "Please specify cluster name"),
    "addCluster: Unable to resolve {hypervisor} to a supported ":
        ('  hypervisor = "KVM"\n}\nresource "cloudstack_host"', '  hypervisor = "Xen"\n}\nresource "cloudstack_host"',
         "Unable to resolve Xen to a supported "),
    "addCluster: Don't support hypervisor type {hv} in advanced security enabled zone":
        (ADD, SG + _res("cloudstack_pod", "sgp", '  name = "sgp"\n  zone_id = cloudstack_zone.sg.id\n  gateway = "10.5.0.1"\n'
                                                 '  netmask = "255.255.255.0"\n  start_ip = "10.5.0.10"')
         + _res("cloudstack_cluster", "vmw", '  cluster_name = "vmw"\n  zone_id = cloudstack_zone.sg.id\n  pod_id = cloudstack_pod.sgp.id\n'
                                             '  hypervisor = "VMware"'),
         "Don't support hypervisor type VMware in advanced security enabled zone"),
    "addCluster: Unable to resolve Allocation State '{value}' to a supported state":
        ('cluster_name = "c1"', 'cluster_name = "c1"\n  allocation_state = "On"', "Unable to resolve Allocation State 'On' to a supported state"),
    "addCluster: Unable to create cluster {name} in pod and data center with specified ids":
        (ADD, _res("cloudstack_cluster", "c2", '  cluster_name = "c1"\n  zone_id = cloudstack_zone.z.id\n  pod_id = cloudstack_pod.p.id\n'
                                               '  hypervisor = "KVM"'), "Unable to create cluster c1 in pod and data center with specified ids"),
    "addCluster: uri.scheme is null {url}, add http:// as a prefix":
        (ADD, _res("cloudstack_cluster", "vc", '  cluster_name = "vc"\n  zone_id = cloudstack_zone.z.id\n  pod_id = cloudstack_pod.p.id\n'
                                               '  hypervisor = "VMware"\n  cluster_type = "ExternalManaged"\n  url = "vcenter/dc/cl"'),
         "uri.scheme is null vcenter/dc/cl, add http:// as a prefix"),
    "addCluster: Your host and/or path is wrong.  Make sure it's of the format http://hostname/path":
        (ADD, _res("cloudstack_cluster", "vc", '  cluster_name = "vc"\n  zone_id = cloudstack_zone.z.id\n  pod_id = cloudstack_pod.p.id\n'
                                               '  hypervisor = "VMware"\n  cluster_type = "ExternalManaged"\n  url = "http://vcenter"'),
         "Your host and/or path is wrong.  Make sure it's of the format http://hostname/path"),
    "addHost: Username need to be provided.": ('  username   = "root"\n  password   = "pw"', '  password = "pw"', "Username need to be provided."),
    "addHost: Username and Password need to be provided.":
        (ADD, _res("cloudstack_cluster", "xc", '  cluster_name = "xc"\n  zone_id = cloudstack_zone.z.id\n  pod_id = cloudstack_pod.p.id\n'
                                               '  hypervisor = "XenServer"')
         + _res("cloudstack_host", "x", '  url = "http://10.1.0.150"\n  zone_id = cloudstack_zone.z.id\n  pod_id = cloudstack_pod.p.id\n'
                                        '  cluster_id = cloudstack_cluster.xc.id\n  hypervisor = "XenServer"\n  username = "root"'),
         "Username and Password need to be provided."),
    "addHost: hosttag is mandatory while adding host of type Baremetal":
        (ADD, _res("cloudstack_cluster", "bm", '  cluster_name = "bm"\n  zone_id = cloudstack_zone.z.id\n  pod_id = cloudstack_pod.p.id\n'
                                               '  hypervisor = "BareMetal"')
         + _res("cloudstack_host", "bm", '  url = "http://10.1.0.150"\n  zone_id = cloudstack_zone.z.id\n  pod_id = cloudstack_pod.p.id\n'
                                         '  cluster_id = cloudstack_cluster.bm.id\n  hypervisor = "BareMetal"\n  username = "root"\n  password = "pw"'),
         "hosttag is mandatory while adding host of type Baremetal"),
    "addHost: uri.scheme is null {url}, add nfs:// (or cifs://) as a prefix":
        ('url        = "http://10.1.0.${100 + count.index}"', 'url = "10.1.0.${100 + count.index}"', "uri.scheme is null 10.1.0.100, add nfs://"),
    "createStoragePool: invalid scope for pool {scope}":
        ('url        = "nfs://10.0.0.5/primary"', 'url = "nfs://10.0.0.5/primary"\n  scope = "HOST"', "invalid scope for pool HOST"),
    "createStoragePool: cluster id can't be null, if scope is cluster":
        ('  cluster_id = cloudstack_cluster.c.id\n  url        = "nfs', '  url        = "nfs', "cluster id can't be null, if scope is cluster"),
    "createStoragePool: Missing parameter hypervisor. Hypervisor type is required to create zone wide primary storage.":
        (ADD, _res("cloudstack_storage_pool", "zw", '  name = "zw"\n  zone_id = cloudstack_zone.z.id\n  url = "nfs://10.0.0.5/zw"\n  scope = "ZONE"'),
         "Missing parameter hypervisor. Hypervisor type is required to create zone wide primary storage."),
    "createStoragePool: invalid hypervisor type {hv}":
        (ADD, _res("cloudstack_storage_pool", "zw", '  name = "zw"\n  zone_id = cloudstack_zone.z.id\n  url = "nfs://10.0.0.5/zw"\n'
                                                    '  scope = "ZONE"\n  hypervisor = "ESX"'), "invalid hypervisor type ESX"),
    "createStoragePool: Zone wide storage pool is not supported for hypervisor type {hv}":
        (ADD, _res("cloudstack_storage_pool", "zw", '  name = "zw"\n  zone_id = cloudstack_zone.z.id\n  url = "nfs://10.0.0.5/zw"\n'
                                                    '  scope = "ZONE"\n  hypervisor = "XenServer"'),
         "Zone wide storage pool is not supported for hypervisor type XenServer"),
    "addImageStore: The image store with name {name} already exists, try creating with another name":
        (ADD, _res("cloudstack_secondary_storage", "ss2", '  name = "ss"\n  zone_id = cloudstack_zone.z.id\n  url = "nfs://10.0.0.6/secondary"'),
         "The image store with name ss already exists, try creating with another name"),
    "addImageStore: You can only add new image stores from the same provider {existingProvider} already added":
        (ADD, _res("cloudstack_secondary_storage", "s3", '  name = "s3"\n  zone_id = cloudstack_zone.z.id\n  url = "https://s3.example"\n'
                                                         '  storage_provider = "S3"'),
         "You can only add new image stores from the same provider NFS already added"),
    "addRegion: Region with id: {id} already exists":
        (ADD, "".join(_res("cloudstack_region", f"r{i}", f'  region_id = 2\n  name = "r{i}"\n  endpoint = "https://r{i}.example/client"')
                      for i in range(2)), "Region with id: 2 already exists"),
    "addRegion: Region with name: {name} already exists":
        (ADD, "".join(_res("cloudstack_region", f"r{i}", f'  region_id = {i + 2}\n  name = "east"\n  endpoint = "https://r{i}.example/client"')
                      for i in range(2)), "Region with name: east already exists"),
    "addCluster: Pod with specified id doesn't belong to the zone {zone}":
        ('resource "cloudstack_cluster" "c" {\n  cluster_name = "c1"\n  zone_id    = cloudstack_zone.z.id',
         SG + 'resource "cloudstack_cluster" "c" {\n  cluster_name = "c1"\n  zone_id    = cloudstack_zone.sg.id',
         "Pod with specified id doesn't belong to the zone {zone}"),
    "addHost: Your host and/or path is wrong.  Make sure it's of the format nfs://hostname/path":
        ('url        = "http://10.1.0.${100 + count.index}"', 'url = "nfs://10.1.0.${100 + count.index}"',
         "Your host and/or path is wrong.  Make sure it's of the format nfs://hostname/path"),
}
# Required arguments: validate names the missing argument (the server's text differs per command).
REQUIRED = {
    "addCluster: Please specify a hypervisor": ('  pod_id     = cloudstack_pod.p.id\n  hypervisor = "KVM"\n}\nresource "cloudstack_host"',
                                                '  pod_id     = cloudstack_pod.p.id\n}\nresource "cloudstack_host"', "cloudstack_cluster.c"),
    "addHost: Need to specify Hypervisor Type": ('  cluster_id = cloudstack_cluster.c.id\n  hypervisor = "KVM"', '  cluster_id = cloudstack_cluster.c.id',
                                                 "cloudstack_host.h"),
    "addHost: Can't specify cluster without specifying the pod": ('  pod_id     = cloudstack_pod.p.id\n  cluster_id = cloudstack_cluster.c.id\n  hypervisor = "KVM"\n  username',
                                                                  '  cluster_id = cloudstack_cluster.c.id\n  hypervisor = "KVM"\n  username', "cloudstack_host.h"),
    "createStoragePool: zone id can't be null, if scope is zone": ('  name       = "ps"\n  zone_id    = cloudstack_zone.z.id', '  name = "ps"',
                                                                    "cloudstack_storage_pool.ps"),
}
# Preconditions the step order or the provider's calls can never meet (kind, why).
OTHER = {
    "createPod: Please enter a valid CIDR for pod: {name}": ("unknowable", "unreachable: the CIDR comes from a gateway and netmask already checked"),
    "createPod: The gateway is not in the CIDR subnet.": ("unknowable", "unreachable: the pod's CIDR is made from its gateway"),
    "createManagementNetworkIpRange: The gateway is not in the CIDR subnet.": ("unknowable", "unreachable: the provider sends the pod's own gateway"),
    "deleteManagementNetworkIpRange: Some IPs of the range has been allocated, so it cannot be deleted.": ("live", "allocations"),
    "createVlanIpRange: Network {network} doesn't support adding ip ranges": ("live", "the network's offering"),
    "createVlanIpRange: The IPv6 range with tag: {tag} already has IPs that overlap with the new range.": ("live", "IPv6 ranges outside the configuration"),
    "updateNetworkServiceProvider: Cannot update set of Services for this Service Provider '{name}'": ("live", "the element's capabilities"),
    "deleteStorageNetworkIpRange: Can not find storage network ip range {rangeId}": ("live", "an id"),
    "addHost: Can't specify cluster by both id and name": ("ordered", "the provider sends cluster_id alone when both are set"),
}
# The same check answers these too: the configuration holds the whole object, created or updated.
SAME_CHECK = {
    "updateZone: Please enter a valid guest cidr": "createZone: Please enter a valid guest cidr",
    "updateZone: Invalid network domain. Total length shouldn't exceed 190 chars. …": next(k for k in VALIDATED if "Invalid network domain" in k),
    "updateZone: A zone with that name already exists. Please specify a unique zone name.":
        "createZone: A zone with that name already exists. Please specify a unique zone name.",
    "createPod: The gateway is not a valid IP address.": "createPod: The gateway is invalid",
    "createPod: The start address of the IP range is not a valid IP address.": "createPod: The start IP is invalid",
    "updatePod: A pod with name: {name} already exists in zone {zoneDbId}. Please specify a different pod name. ":
        "createPod: A pod with name: {name} already exists in zone {zoneDbId}. Please specify a different pod name. ",
    "updatePod: The start address of the some IP range is not in the CIDR subnet.": "createPod: The start address of the IP range is not in the CIDR subnet.",
    "updatePod: The gateway shouldn't overlap some start/end ip addresses": "createPod: The gateway shouldn't overlap start/end ip addresses",
    "createPod: Unable to resolve Allocation State '{allocationstate}' to a supported state":
        "createZone: Unable to resolve Allocation State '{allocationstate}' to a supported state",
    "updatePod: Unable to resolve Allocation State '{allocationstate}' to a supported state":
        "createZone: Unable to resolve Allocation State '{allocationstate}' to a supported state",
    "updatePhysicalNetwork: Can't add vnet range to the physical network in the Basic zone":
        "createPhysicalNetwork: Can't add vnet range to the physical network in the Basic zone",
    "updatePhysicalNetwork: Unable to support more than one tag on network yet":
        "createPhysicalNetwork: Only one tag can be specified for a physical network at this time",
    "updatePhysicalNetwork: There are more than 1 physical network without tags in the zone= {zoneId}":
        "addTrafficType: There are more than 1 physical network without tags in the zone= {zoneId}",
    "updateNetworkServiceProvider: Unable to resolve state '{state}' to a supported value {Enabled or Disabled}":
        "updatePhysicalNetwork: Unable to resolve state '{state}' to a supported value {Enabled or Disabled}",
    "updateStorageNetworkIpRange: Invalid netmask:{netmask}": "createStorageNetworkIpRange: Invalid netmask:{netmask}",
    "updateRegion: Region with name: {name} already exists": "addRegion: Region with name: {name} already exists",
}

_LIVE = re.compile(r"does not exist|doesn't exist|not found|[Uu]nable to find|[Cc]an't find|[Cc]annot find|can not find|Please specify a valid|"
                   r"is currently disabled|not root admin|[Uu]nable to obtain lock|virtual machines|VMs|volumes|vols|IP addresses allocated|"
                   r"Ips are in use|IPv6 addresses are in use|allocated vnets|vnets in use|in use|snapshots|templates|static nat|source nat|"
                   r"firewall|dhcp|secondary storage vm|networks associated|existing networks|active networks|Network Element|"
                   r"subset of Services|Network Service specified|cannot provide this Service|dedicated|already in state|cannot recall|"
                   r"cancelMaintenance|not ready for migration|Guid is not updated|already being used for dynamic|overlapped|"
                   r"already been added|existing subnet|existing subnets|same subnet|gateway of the subnet|vlan of the network|"
                   r"on network :|guest network|management network|Shared|network id|Network id|Public network|Nework|"
                   r"VNI|Provider is not ready|more than one storage network|Shutdown|is not present|cannot be found|Multiple|"
                   r"overlaps with existing range|Incorrect vlan|not in valid format|can't get vlan number|does not support scope|"
                   r"not a valid uri|resource manager|edge zone|edge zones|Vlan doesn't match|Gateway, netmask and zoneId|"
                   r"determine vlan|providerType|is empty|Below IP|Cannot update the range|No enum constant|"
                   r"Details|Detail specified|domain suffixes|Region not found|^$|extended only|The start address of the|"
                   r"The end address of the|The start IP address must|CIDR is invalid|IP address is invalid")
_ORDERED = re.compile(r"cannot be deleted because|not deletable|cannot be removed|not in maintenance mode|not in Maintenance state|"
                      r"Only one storage pool in a cluster|other servers attempting migrations|already a job running|"
                      r"Cannot create PhysicalNetwork since the Zone is currently enabled|storage pools")
_UNKNOWABLE = re.compile(r"^Failed|^Fail to|Please contact Cloud Support|internal error|Internal error|Could not add host|"
                         r"Do not support HypervisorType|Cannot find the server resources|No resource adapter|Unable to prepare|"
                         r"Unable to add the external cluster|failed to detect|Failed to add data store|storage provider|image store provider")


def classify(case_id: str, message: str) -> str:
    """validated, ordered, live or unknowable (see the module docstring)."""
    if case_id in VALIDATED or case_id in SAME_CHECK or case_id in REQUIRED:
        return "validated"
    if case_id in OTHER:
        return OTHER[case_id][0]
    if _ORDERED.search(message):
        return "ordered"
    if _UNKNOWABLE.search(message):
        return "unknowable"
    if _LIVE.search(message):
        return "live"
    return "unclassified"


TABLE = {p.id: classify(p.id, p.message) for p in preconditions()}


def test_every_precondition_of_the_shared_table_is_classified() -> None:
    assert {k for k, v in TABLE.items() if v == "unclassified"} == set()
    assert set(VALIDATED) | set(SAME_CHECK) | set(REQUIRED) | set(OTHER) <= set(TABLE), "a case names a precondition the table does not have"
    assert set(SAME_CHECK.values()) <= set(VALIDATED)
    counts = {kind: sum(1 for v in TABLE.values() if v == kind) for kind in ("validated", "ordered", "live", "unknowable")}
    assert sum(counts.values()) == len(TABLE) == 315
    assert counts["validated"] >= 109  # only ever more: a new check adds its case above


@pytest.mark.parametrize("case_id", list(VALIDATED), ids=lambda c: c[:80])
def test_validate_refuses_what_the_server_refuses_with_its_words(tmp_path: Path, case_id: str) -> None:
    old, new, quoted = VALIDATED[case_id]
    assert old == ADD or old in BASE, old
    (tmp_path / "main.hcl").write_text(BASE + new if old == ADD else BASE.replace(old, new, 1))
    result = csiac("validate", str(tmp_path))
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("error:") and "CloudStack refuses it" in line]
    quoted = " ".join(quoted.split())  # diagnostics are one line: runs of spaces shown as one
    assert any(quoted in line for line in lines), result.output
    line = next(line for line in lines if quoted in line)
    assert re.match(r"error: \S*main\.hcl:\d+:\d+: cloudstack_\w+\.\w+(\[\S+\])?: ", line), line  # file:line, then the resource


@pytest.mark.parametrize("case_id", list(REQUIRED), ids=lambda c: c[:80])
def test_validate_names_a_required_argument_the_server_asks_for(tmp_path: Path, case_id: str) -> None:
    old, new, address = REQUIRED[case_id]
    assert old in BASE, old
    (tmp_path / "main.hcl").write_text(BASE.replace(old, new, 1))
    result = csiac("validate", str(tmp_path))
    assert result.exit_code == 1, result.output
    assert any(address in line and "missing required argument" in line for line in result.output.splitlines()), result.output


def test_what_the_server_allows_is_not_an_error(tmp_path: Path) -> None:
    """Enabling needs Management (and Public in an Advanced zone without security groups) only: Guest traffic and
    secondary storage are warnings; an Advanced zone with security groups is enabled without Public."""
    text = BASE.replace('toset(["Management", "Guest", "Public"])', 'toset(["Management"])')
    text = text.replace('network_type     = "Advanced"', 'network_type = "Advanced"\n  security_group_enabled = true')
    text = text[:text.index('resource "cloudstack_secondary_storage"')]
    (tmp_path / "main.hcl").write_text(text)
    result = csiac("validate", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "is Enabled without Guest traffic" in result.output and "is Enabled without secondary storage" in result.output


def test_a_refusal_that_depends_on_the_object_is_a_plan_error(tmp_path: Path) -> None:
    """updateCluster refuses to rename a VMware cluster (preconditions-4.18.md, updateCluster): the configuration and
    the state decide it, so plan says so instead of apply failing half way."""
    cluster = ('resource "cloudstack_cluster" "vc" {\n  cluster_name = "%s"\n  zone_id = cloudstack_zone.z.id\n'
               '  pod_id = cloudstack_pod.p.id\n  hypervisor = "%s"\n}\n')
    head = BASE[:BASE.index('resource "cloudstack_cluster" "c" {')]
    (tmp_path / "main.hcl").write_text(head + cluster % ("vc1", "VMware"))
    assert csiac("apply", "-auto-approve", str(tmp_path)).exit_code == 0
    (tmp_path / "main.hcl").write_text(head + cluster % ("vc2", "VMware"))
    planned = csiac("plan", str(tmp_path))
    assert planned.exit_code == 1, planned.output
    assert 'cluster_name cannot change: CloudStack refuses it: "Renaming VMware cluster is not supported' in planned.stderr
    (tmp_path / "main.hcl").write_text(head + cluster % ("vc1", "VMware") + cluster.replace('"vc"', '"kvm"') % ("k1", "KVM"))
    assert csiac("apply", "-auto-approve", str(tmp_path)).exit_code == 0
    (tmp_path / "main.hcl").write_text(head + cluster % ("vc1", "VMware") + cluster.replace('"vc"', '"kvm"') % ("k2", "KVM"))
    renamed = csiac("plan", str(tmp_path))
    assert renamed.exit_code == 0 and "cloudstack_cluster.kvm will be updated in-place" in renamed.stdout, renamed.output
