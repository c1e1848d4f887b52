Feature: CloudStack plans follow the platform team's rules

  Scenario: every zone is planned Enabled
    Given I have cloudstack_zone defined
    Then it must contain allocation_state
    And its value must match the "^Enabled$" regex

  Scenario: every host carries host tags
    Given I have cloudstack_host defined
    Then it must contain host_tags

  # Fails once for each resource the tool read: the test compares those names with the plan.
  Scenario: the tool reads every resource
    Given I have any resource defined
    Then it must contain csiac_no_such_argument
